using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Daemon;
using WorkCentre.EventStore.Projections;
using WorkCentre.Testing;

namespace WorkCentre.Benchmarks;

/// <summary>
/// Append throughput against plain batched INSERTs, and daemon catch-up against a raw ordered page read, with Marten
/// (<see cref="MartenPeer"/>) doing the same work, on the same server in the same run. Last line:
/// <c>append_ratio=… catchup_events_per_s=… catchup_ratio=… marten_append_ratio=… marten_catchup_events_per_s=… marten_catchup_ratio=…</c>.
/// </summary>
internal static class EventStoreBenchmark
{
    private const string Schema = "events";

    public static async Task RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 3);
        var catchUpEvents = Option(args, "--events", 1_000_000);
        var pageSize = Option(args, "--page-size", 2_000);
        var noOp = Option(args, "--marten-noop", 1) != 0;
        Console.WriteLine($"eventstore benchmark: {seconds}s per append cell, catch-up over {catchUpEvents:N0} events in pages of {pageSize:N0}, " +
            $"{Environment.ProcessorCount} cores, load average {LoadAverage()}");

        var db = new TestDatabase();
        await db.InitializeAsync();
        MartenPeer? marten = null;
        try
        {
            marten = await MartenPeer.CreateAsync(pageSize);
            Console.WriteLine("Marten peer:");
            foreach (var setting in marten.Settings)
            {
                Console.WriteLine($"  {setting}");
            }
            await RunOnAsync(db, marten, seconds, catchUpEvents, pageSize, noOp);
        }
        finally
        {
            if (marten is not null)
            {
                await marten.DisposeAsync();
            }
            await db.DisposeAsync();
        }
    }

    private static async Task RunOnAsync(TestDatabase db, MartenPeer marten, int seconds, int catchUpEvents, int pageSize, bool noOp)
    {
        var store = new EventStore.EventStore(new EventStoreOptions { DataSource = db.DataSource, Schema = Schema, Types = Types() });
        await store.ApplySchemaAsync();
        await db.ExecuteAsync(PlainTableSql);

        Console.WriteLine();
        Console.WriteLine($"{"writers",8} {"batch",6} {"store ev/s",12} {"marten ev/s",12} {"plain ev/s",12} {"ratio",7} {"marten",7}");
        var ratios = new Dictionary<(int Writers, int Batch), (double Store, double Marten)>();
        foreach (var batch in new[] { 1, 10 })
        {
            foreach (var writers in new[] { 1, 4, 16 })
            {
                // Plain in the middle, so drift over the cell's ten seconds touches both peers alike.
                var storeRate = await MeasureAsync(writers, seconds, () => AppendToStoreAsync(store, batch));
                var plainRate = await MeasureAsync(writers, seconds, () => InsertPlainAsync(db.DataSource, batch));
                var martenAppendRate = await MeasureAsync(writers, seconds, () => marten.AppendAsync(batch));
                ratios[(writers, batch)] = (storeRate / plainRate, martenAppendRate / plainRate);
                Console.WriteLine($"{writers,8} {batch,6} {storeRate,12:N0} {martenAppendRate,12:N0} {plainRate,12:N0} {storeRate / plainRate,7:F2} {martenAppendRate / plainRate,7:F2}");
            }
        }

        Console.WriteLine();
        var catchUp = await CatchUpAsync(db, store, catchUpEvents, pageSize);
        Console.WriteLine();
        Console.WriteLine($"seeding Marten with {catchUpEvents:N0} events for catch-up");
        await marten.SeedAsync(catchUpEvents);
        var martenRate = await marten.CatchUpAsync("counts-per-event-type", catchUpEvents);
        Console.WriteLine($"marten daemon catch-up into counts per event type: {martenRate:N0} events/s ({await marten.CountedAsync():N0} counted)");
        if (noOp)
        {
            var noOpRate = await marten.CatchUpAsync("no-op", catchUpEvents);
            Console.WriteLine($"marten daemon catch-up with a no-op projection: {noOpRate:N0} events/s");
        }
        var peer = ratios[(16, 10)];
        Console.WriteLine();
        Console.WriteLine($"single-event commits at 16 writers: append_ratio={ratios[(16, 1)].Store:F2} marten_append_ratio={ratios[(16, 1)].Marten:F2} (the plain table keeps no streams row)");
        Console.WriteLine($"load average at the end: {LoadAverage()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"append_ratio={peer.Store:F2} catchup_events_per_s={catchUp.DaemonRate:F0} catchup_ratio={catchUp.DaemonRate / catchUp.RawRate:F2} " +
            $"marten_append_ratio={peer.Marten:F2} marten_catchup_events_per_s={martenRate:F0} marten_catchup_ratio={martenRate / catchUp.RawRate:F2}"));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static EventTypeRegistry Types() => new EventTypeRegistry()
        .Map<InquiryRegistered>("bench.inquiry_registered.v1")
        .Map<InquiryForwarded>("bench.inquiry_forwarded.v1")
        .Map<InquiryAnswered>("bench.inquiry_answered.v1");

    internal static object Event(Guid id, int i) => (i % 3) switch
    {
        0 => new InquiryRegistered(id, "walk-in", "working", "Hilversum", DateTimeOffset.UtcNow),
        1 => new InquiryForwarded(id, "employer-service", DateTimeOffset.UtcNow),
        _ => new InquiryAnswered(id, DateTimeOffset.UtcNow),
    };

    private static async Task<int> AppendToStoreAsync(EventStore.EventStore store, int batch)
    {
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream("inquiry", id, Enumerable.Range(0, batch).Select(i => Event(id, i))).SaveChangesAsync();
        return batch;
    }

    private static readonly JsonSerializerOptions Json = EventStoreOptions.DefaultJson();

    private const string PlainTableSql = """
        create table plain_events (
            seq_id bigserial primary key, id uuid not null, stream_id uuid not null, version bigint not null, type text not null,
            data jsonb not null, occurred_at timestamptz not null, timestamp timestamptz not null default now(),
            correlation_id text, causation_id text, user_name text, headers jsonb, tenant_id text not null default '*DEFAULT*')
        """;

    private static async Task<int> InsertPlainAsync(NpgsqlDataSource dataSource, int batch)
    {
        var streamId = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using var insert = new NpgsqlBatch(connection, tx);
        for (var i = 0; i < batch; i++)
        {
            var e = Event(streamId, i);
            var cmd = new NpgsqlBatchCommand("insert into plain_events (id, stream_id, version, type, data, occurred_at) values ($1, $2, $3, $4, $5, $6)");
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = streamId });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = i + 1 });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.GetType().Name });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(e, e.GetType(), Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
            insert.BatchCommands.Add(cmd);
        }
        await insert.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        return batch;
    }

    /// <summary>Runs <paramref name="writers"/> loops of <paramref name="commit"/> for a warm-up and then the measured seconds.</summary>
    private static async Task<double> MeasureAsync(int writers, int seconds, Func<Task<int>> commit)
    {
        var warmUp = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (warmUp.Elapsed < TimeSpan.FromMilliseconds(500))
            {
                await commit();
            }
        })));
        long events = 0;
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                Interlocked.Add(ref events, await commit());
            }
        })));
        return events / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(double DaemonRate, double RawRate)> CatchUpAsync(TestDatabase db, EventStore.EventStore store, int total, int pageSize)
    {
        Console.WriteLine($"seeding {total:N0} events for catch-up");
        await db.ExecuteAsync($"truncate {Schema}.events, {Schema}.streams cascade");
        await db.ExecuteAsync($"update {Schema}.event_progression set last_seq_id = 0");
        const int chunk = 100_000;
        for (var from = 1; from <= total; from += chunk)
        {
            var to = Math.Min(total, from + chunk - 1);
            await db.ExecuteAsync($"""
                insert into {Schema}.streams (id, type, version)
                select ('00000000-0000-4000-8000-' || lpad(to_hex(s), 12, '0'))::uuid, 'inquiry', 10
                from generate_series(({from} - 1) / 10 + 1, ({to} - 1) / 10 + 1) s on conflict do nothing;
                insert into {Schema}.events (seq_id, id, stream_id, version, type, data, occurred_at)
                select g, gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(to_hex((g - 1) / 10 + 1), 12, '0'))::uuid, (g - 1) % 10 + 1,
                  (array['bench.inquiry_registered.v1', 'bench.inquiry_forwarded.v1', 'bench.inquiry_answered.v1'])[g % 3 + 1],
                  case g % 3
                    when 0 then jsonb_build_object('inquiryId', gen_random_uuid(), 'channel', 'walk-in', 'domain', 'working', 'municipality', 'Hilversum', 'occurredAt', now())
                    when 1 then jsonb_build_object('inquiryId', gen_random_uuid(), 'toPartner', 'employer-service', 'occurredAt', now())
                    else jsonb_build_object('inquiryId', gen_random_uuid(), 'occurredAt', now()) end,
                  now()
                from generate_series({from}, {to}) g;
                """);
            Console.WriteLine($"  seeded {to:N0}");
        }
        await db.ExecuteAsync($"select setval('{Schema}.event_seq', {total})");
        await db.ExecuteAsync($"vacuum analyze {Schema}.events");

        var raw = await RawReadAsync(db.DataSource, total, pageSize);
        Console.WriteLine($"raw ordered page read: {raw:N0} events/s");

        var projection = new CountsPerEventType();
        await db.ExecuteAsync(CountsPerEventType.CreateTableSql);
        await using var daemon = new ProjectionDaemon(store, [projection], options: new DaemonOptions { PageSize = pageSize });
        var clock = Stopwatch.StartNew();
        await daemon.StartAsync(default);
        var reported = TimeSpan.Zero;
        while (!daemon.Positions.TryGetValue(projection.Name, out var position) || position < total)
        {
            await Task.Delay(20);
            if (clock.Elapsed - reported >= TimeSpan.FromSeconds(1))
            {
                reported = clock.Elapsed;
                Console.WriteLine($"  daemon at {daemon.Positions[projection.Name]:N0} / {total:N0}");
            }
        }
        var rate = total / clock.Elapsed.TotalSeconds;
        await daemon.StopAsync(default);
        var counted = await db.ScalarAsync($"select sum(events) from {CountsPerEventType.Table}");
        Console.WriteLine($"daemon catch-up into counts per event type: {rate:N0} events/s ({counted:N0} counted)");
        return (rate, raw);
    }

    private static async Task<double> RawReadAsync(NpgsqlDataSource dataSource, long total, int pageSize)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        long after = 0, read = 0;
        while (after < total)
        {
            await using var cmd = new NpgsqlCommand(
                $"select seq_id, id, stream_id, version, type, data::text, occurred_at, timestamp, correlation_id, causation_id, user_name, headers::text, tenant_id " +
                $"from {Schema}.events where seq_id > $1 order by seq_id limit $2", connection);
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                after = reader.GetInt64(0);
                _ = (reader.GetGuid(1), reader.GetGuid(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5),
                    reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetString(12));
                read++;
            }
        }
        return read / clock.Elapsed.TotalSeconds;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The aggregating read model the catch-up figure is measured with.</summary>
    private sealed class CountsPerEventType : IProjection
    {
        public const string Table = $"{Schema}.event_type_counts";
        public const string CreateTableSql = $"create table if not exists {Table} (type text primary key, events bigint not null)";

        public string Name => "counts-per-event-type";

        public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            var counts = events.CountBy(e => e.Alias).ToArray();
            await using var cmd = new NpgsqlCommand(
                $"insert into {Table} (type, events) select * from unnest($1, $2) on conflict (type) do update set events = {Table}.events + excluded.events",
                connection, transaction);
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = counts.Select(c => c.Key).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = counts.Select(c => (long)c.Value).ToArray() });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand($"truncate {Table}", connection, transaction);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}

internal sealed record InquiryRegistered(Guid InquiryId, string Channel, string Domain, string Municipality, DateTimeOffset OccurredAt) : IOccurredAt;

internal sealed record InquiryForwarded(Guid InquiryId, string ToPartner, DateTimeOffset OccurredAt) : IOccurredAt;

internal sealed record InquiryAnswered(Guid InquiryId, DateTimeOffset OccurredAt) : IOccurredAt;
