using System.Diagnostics;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using WorkCentre.Testing;
using IMartenProjection = Marten.Events.Projections.IProjection;

namespace WorkCentre.Benchmarks;

/// <summary>
/// Marten as the measured peer of our store: the same commits through Marten's quick append and the same events
/// caught up by Marten's async daemon, in a database of its own on the same server. Settings follow Marten's
/// documentation ("Optimizing for Performance", "Async Daemon"); <see cref="Settings"/> lists them for the output.
/// </summary>
internal sealed class MartenPeer : IAsyncDisposable
{
    private const string Schema = "marten";
    private const string CountsTable = $"{Schema}.event_type_counts";

    private readonly TestDatabase _db;
    private readonly DocumentStore _store;

    private MartenPeer(TestDatabase db, DocumentStore store, IReadOnlyList<string> settings)
    {
        _db = db;
        _store = store;
        Settings = settings;
    }

    /// <summary>What was set, one line each, for the benchmark's output.</summary>
    public IReadOnlyList<string> Settings { get; }

    public static async Task<MartenPeer> CreateAsync(int batchSize)
    {
        var db = new TestDatabase();
        await db.InitializeAsync();
        const int daemonLockId = 4_242_001;
        var store = DocumentStore.For(opts =>
        {
            opts.Connection(db.ConnectionString);
            opts.DatabaseSchemaName = Schema;
            opts.Events.DatabaseSchemaName = Schema;
            opts.AutoCreateSchemaObjects = AutoCreate.All;
            // "Use the *much* faster workflow for appending events"; nothing inline needs the sequence.
            opts.Events.AppendMode = EventAppendMode.Quick;
            opts.Events.MapEventType<InquiryRegistered>("inquiry_registered");
            opts.Events.MapEventType<InquiryForwarded>("inquiry_forwarded");
            opts.Events.MapEventType<InquiryAnswered>("inquiry_answered");
            // The daemon is built and started by hand below; Solo says so and that no other node shares its shards.
            opts.Projections.AsyncMode = DaemonMode.Solo;
            // Only matters for HotCold leadership, but keeps this daemon's advisory lock apart from any other.
            opts.Projections.DaemonLockId = daemonLockId;
            // Async only: no inline projection runs in the append's transaction.
            opts.Projections.Add(new CountsPerEventType(), ProjectionLifecycle.Async, CountsPerEventType.ProjectionName,
                o => o.BatchSize = batchSize);
            opts.Projections.Add(new NoOp(), ProjectionLifecycle.Async, NoOp.ProjectionName, o => o.BatchSize = batchSize);
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await db.ExecuteAsync($"create table if not exists {CountsTable} (type text primary key, events bigint not null)");

        var daemon = store.Options.Projections;
        var settings = new List<string>
        {
            $"database {db.Name} (ours: another database on the same server), schema {Schema}, serializer {store.Options.Serializer().GetType().Name}",
            $"Events.AppendMode = {store.Options.Events.AppendMode}; streams started with session.Events.StartStream(id, events) in a LightweightSession",
            $"Projections: async only, custom IProjection upserting counts per event type (QueueSqlCommand), AsyncOptions.BatchSize = {batchSize}",
            $"Projections.AsyncMode = {daemon.AsyncMode}, DaemonLockId = {daemonLockId}, StaleSequenceThreshold = {daemon.StaleSequenceThreshold.TotalSeconds}s, " +
            $"FastPollingTime = {daemon.FastPollingTime.TotalMilliseconds}ms, SlowPollingTime = {daemon.SlowPollingTime.TotalMilliseconds}ms (defaults)",
            $"Projections.MaxConcurrentEventLoadsPerDatabase = {daemon.MaxConcurrentEventLoadsPerDatabase}, " +
            $"MaxConcurrentBatchWritesPerDatabase = {daemon.MaxConcurrentBatchWritesPerDatabase} (defaults; one shard runs)",
            "seeding: IDocumentStore.BulkInsertEventsAsync (COPY), as the docs advise for load tests",
        };
        return new MartenPeer(db, store, settings);
    }

    public async Task<int> AppendAsync(int batch)
    {
        var id = Guid.CreateVersion7();
        await using var session = _store.LightweightSession();
        session.Events.StartStream(id, Enumerable.Range(0, batch).Select(i => EventStoreBenchmark.Event(id, i)).ToArray());
        await session.SaveChangesAsync();
        return batch;
    }

    /// <summary>Empties the event store and loads <paramref name="total"/> events, 10 to a stream, as the catch-up backlog.</summary>
    public async Task SeedAsync(int total)
    {
        await _store.Advanced.Clean.DeleteAllEventDataAsync();
        await _db.ExecuteAsync($"truncate {CountsTable}");
        const int chunk = 100_000;
        for (var from = 0; from < total; from += chunk)
        {
            var to = Math.Min(total, from + chunk);
            var streams = new List<StreamAction>((to - from) / 10 + 1);
            for (var start = from; start < to; start += 10)
            {
                var id = Guid.CreateVersion7();
                var events = Enumerable.Range(start, Math.Min(10, to - start)).Select(g => EventStoreBenchmark.Event(id, g)).ToArray();
                streams.Add(StreamAction.Start(_store.Events, id, events));
            }
            await _store.BulkInsertEventsAsync(streams, batchSize: 10_000);
            Console.WriteLine($"  marten seeded {to:N0}");
        }
        await _db.ExecuteAsync($"vacuum analyze {Schema}.mt_events");
        await _db.ExecuteAsync($"vacuum analyze {Schema}.mt_streams");
    }

    /// <summary>Runs one projection's shard from zero until it has applied <paramref name="total"/> events.</summary>
    public async Task<double> CatchUpAsync(string projection, long total)
    {
        using var daemon = await _store.BuildProjectionDaemonAsync(logger: NullLogger.Instance);
        var clock = Stopwatch.StartNew();
        await daemon.StartAgentAsync($"{projection}:All", CancellationToken.None);
        var reported = TimeSpan.Zero;
        long position;
        while ((position = Position(daemon, projection)) < total)
        {
            await Task.Delay(20);
            if (clock.Elapsed - reported >= TimeSpan.FromSeconds(1))
            {
                reported = clock.Elapsed;
                Console.WriteLine($"  marten daemon ({projection}) at {position:N0} / {total:N0}");
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"Marten's daemon reached {position:N0} of {total:N0} in 10 minutes.");
            }
        }
        var rate = total / clock.Elapsed.TotalSeconds;
        await daemon.StopAllAsync();
        return rate;
    }

    public Task<long> CountedAsync() => _db.ScalarAsync($"select coalesce(sum(events), 0) from {CountsTable}");

    private static long Position(IProjectionDaemon daemon, string projection) =>
        daemon.Tracker.CurrentStates().Where(s => s.ShardName.StartsWith(projection + ":", StringComparison.Ordinal))
            .Select(s => s.Sequence).DefaultIfEmpty(0).Max();

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _db.DisposeAsync();
    }

    /// <summary>Our catch-up projection, the Marten way: one upsert of the page's counts, queued into the daemon's batch.</summary>
    private sealed class CountsPerEventType : IMartenProjection
    {
        public const string ProjectionName = "counts-per-event-type";

        public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
        {
            var counts = events.CountBy(e => e.EventTypeName).ToArray();
            operations.QueueSqlCommand(
                $"insert into {CountsTable} (type, events) select * from unnest(?, ?) on conflict (type) do update set events = {CountsTable}.events + excluded.events",
                counts.Select(c => c.Key).ToArray(), counts.Select(c => (long)c.Value).ToArray());
            return Task.CompletedTask;
        }
    }

    /// <summary>What the earlier measurement used: the daemon's own cost, loading and deserializing, with nothing written.</summary>
    private sealed class NoOp : IMartenProjection
    {
        public const string ProjectionName = "no-op";

        public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation) => Task.CompletedTask;
    }
}
