using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using WorkCentre.EventStore.Schema;

namespace WorkCentre.EventStore.Daemon;

/// <summary>
/// Finds the highest sequence below which no event can still appear, so shards never read past an
/// in-flight transaction and miss its events. Holds before a gap; skips one only when it is stale and
/// no transaction that could have drawn its numbers is still alive.
/// </summary>
internal sealed class HighWaterMarkAgent(EventStore store, NpgsqlConnection leaderConnection, DaemonOptions options, ILogger logger, Func<long> slowestShard)
{
    private const int MaxAdvances = 100_000;
    private static readonly TimeSpan AdvanceResolution = TimeSpan.FromMilliseconds(10);

    private readonly string _s = store.Options.Schema;
    private long _mark;
    private readonly Stopwatch _sinceSaved = Stopwatch.StartNew();
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // When the mark reached each value, oldest first: how far behind a shard is in time, not only in events.
    private readonly LinkedList<(long Mark, long At)> _advances = new();

    public long Mark => Volatile.Read(ref _mark);

    /// <summary>Seconds since the mark first passed <paramref name="position"/> (as seen by this leader); 0 when caught up.</summary>
    public double SecondsBehind(long position)
    {
        lock (_advances)
        {
            foreach (var (mark, at) in _advances)
            {
                if (mark > position)
                {
                    return Stopwatch.GetElapsedTime(at).TotalSeconds;
                }
            }
            return 0;
        }
    }

    public async Task<long> WaitForMarkAboveAsync(long position, CancellationToken ct)
    {
        while (true)
        {
            // Read the signal before the mark: an advance in between completes the signal we hold.
            var advanced = Volatile.Read(ref _advanced);
            var mark = Mark;
            if (mark > position)
            {
                return mark;
            }
            await advanced.Task.WaitAsync(ct);
        }
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select last_seq_id from {_s}.event_progression where name = '{EventStoreSchema.HighWaterMarkName}'", leaderConnection);
        Publish((long)(await cmd.ExecuteScalarAsync(ct))!);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var idle = TimeSpan.FromMilliseconds(1);
        Gap? gap = null;
        while (!ct.IsCancellationRequested)
        {
            var (drawn, contiguous) = await DetectAsync(ct);
            if (contiguous > Mark)
            {
                await SaveAsync(contiguous, ct);
                gap = null;
                idle = TimeSpan.FromMilliseconds(1);
                continue;
            }
            if (drawn <= Mark)
            {
                gap = null;
                idle = await WaitIdleAsync(idle, ct);
                continue;
            }

            // Numbers above the mark were drawn but are not visible: still in flight, or rolled back.
            if (gap is null || gap.Mark != Mark)
            {
                gap = new Gap(Mark, drawn, await DatabaseNowAsync(ct), Stopwatch.StartNew());
            }
            else if (gap.Since.Elapsed >= options.StaleThreshold)
            {
                if (await NoTransactionCanFillAsync(gap.ObservedAt, ct))
                {
                    await SkipAsync(gap, ct);
                    gap = null;
                    continue;
                }
                if (!gap.ReportedWaiting)
                {
                    logger.LogInformation("High-water mark holds at {Mark}: a transaction that drew sequence numbers up to {Drawn} is still open", gap.Mark, gap.Drawn);
                    gap.ReportedWaiting = true;
                }
            }
            await store.Appended.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(100, Math.Max(5, options.StaleThreshold.TotalMilliseconds / 4))), ct);
        }
    }

    private async Task<TimeSpan> WaitIdleAsync(TimeSpan idle, CancellationToken ct)
    {
        if (await store.Appended.WaitAsync(idle, ct))
        {
            return TimeSpan.FromMilliseconds(1);
        }
        var next = idle * 2;
        return next > options.IdlePollMax ? options.IdlePollMax : next;
    }

    /// <summary>One statement: the last number drawn, and the top of the gap-free run above the mark.</summary>
    private async Task<(long Drawn, long Contiguous)> DetectAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select
              (select case when is_called then last_value else 0 end from {_s}.event_seq),
              coalesce((select max(seq_id) from (
                  select seq_id, seq_id - row_number() over (order by seq_id) as d
                  from (select seq_id from {_s}.events where seq_id > $1 order by seq_id limit $2) w) r
                where d = $1), $1)
            """, leaderConnection);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Mark });
        cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = options.HighWaterWindow });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    // Taken after the detection statement, so every holder of a number it saw as drawn started before this time.
    private async Task<DateTimeOffset> DatabaseNowAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select clock_timestamp()", leaderConnection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    /// <summary>
    /// nextval holds a RowExclusiveLock on the sequence until its transaction ends, so a transaction that
    /// drew a missing number and is still alive shows up here; none started before the gap was seen → it is dead.
    /// </summary>
    private async Task<bool> NoTransactionCanFillAsync(DateTimeOffset observedAt, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select not exists (
              select 1 from pg_locks l left join pg_stat_activity a on a.pid = l.pid
              where l.locktype = 'relation' and l.relation = '{_s}.event_seq'::regclass
                and l.mode = 'RowExclusiveLock' and l.pid is distinct from pg_backend_pid()
                and coalesce(a.xact_start, '-infinity') <= $1)
            """, leaderConnection);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = observedAt });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task SkipAsync(Gap gap, CancellationToken ct)
    {
        await using var tx = await leaderConnection.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            insert into {_s}.high_water_skips (from_seq_id, to_seq_id, missing_count, reason)
            select $1 + 1, $2, $2 - $1 - count(*), 'stale gap; no transaction that could fill it is open'
            from {_s}.events where seq_id > $1 and seq_id <= $2
            returning missing_count
            """, leaderConnection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = gap.Mark });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = gap.Drawn });
        var missing = (long)(await cmd.ExecuteScalarAsync(ct))!;
        await UpdateMarkAsync(gap.Drawn, tx, ct);
        await tx.CommitAsync(ct);
        logger.LogWarning("High-water mark skipped {Missing} missing sequence numbers between {From} and {To} after {Seconds:F1}s; no transaction that could fill them is open",
            missing, gap.Mark + 1, gap.Drawn, gap.Since.Elapsed.TotalSeconds);
        Publish(gap.Drawn);
    }

    private async Task SaveAsync(long mark, CancellationToken ct)
    {
        // The stored mark only gives a new leader a head start, so it is written at most once a second:
        // a commit per advance would cost as much as the appends it follows.
        if (_sinceSaved.Elapsed >= TimeSpan.FromSeconds(1))
        {
            await UpdateMarkAsync(mark, null, ct);
            _sinceSaved.Restart();
        }
        Publish(mark);
    }

    private async Task UpdateMarkAsync(long mark, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"update {_s}.event_progression set last_seq_id = $1, last_updated = now() where name = '{EventStoreSchema.HighWaterMarkName}'",
            leaderConnection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = mark });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private void Publish(long mark)
    {
        RecordAdvance(mark);
        Volatile.Write(ref _mark, mark);
        Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private void RecordAdvance(long mark)
    {
        var now = Stopwatch.GetTimestamp();
        var slowest = slowestShard();
        lock (_advances)
        {
            // Only the history above the slowest shard answers SecondsBehind.
            while (_advances.First is { } oldest && oldest.Value.Mark <= slowest)
            {
                _advances.RemoveFirst();
            }
            // Coalescing moves a mark to an earlier time (by at most the resolution), and merging the two oldest keeps
            // the oldest time: lag is never understated, and a stopped shard cannot grow this without bound.
            if (_advances.Last is { } last && Stopwatch.GetElapsedTime(last.Value.At, now) < AdvanceResolution)
            {
                last.Value = (mark, last.Value.At);
                return;
            }
            if (_advances.Count >= MaxAdvances)
            {
                var first = _advances.First!;
                first.Value = (first.Next!.Value.Mark, first.Value.At);
                _advances.Remove(first.Next);
            }
            _advances.AddLast((mark, now));
        }
    }

    private sealed record Gap(long Mark, long Drawn, DateTimeOffset ObservedAt, Stopwatch Since)
    {
        public bool ReportedWaiting { get; set; }
    }
}
