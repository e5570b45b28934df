using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using WorkCentre.EventStore.Projections;

namespace WorkCentre.EventStore.Daemon;

/// <summary>
/// Runs one projection or subscription: reads pages up to the high-water mark and commits what it did
/// together with its progress, guarded by <c>where last_seq_id = floor</c> so no two runners apply a page twice.
/// </summary>
internal sealed class ShardAgent
{
    private readonly EventStore _store;
    private readonly DaemonOptions _options;
    private readonly ILogger _logger;
    private readonly string _s;
    private long _position;
    private volatile ShardCondition _condition = new(ShardState.Stopped, null, null);

    private const string StatusRunning = "running";
    private const string StatusRebuilding = "rebuilding";
    private const string StatusPaused = "paused";
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);

    public ShardAgent(EventStore store, IProjection projection, DaemonOptions options, ILogger logger)
        : this(store, projection.Name, options, logger) => Projection = projection;

    public ShardAgent(EventStore store, ISubscription subscription, DaemonOptions options, ILogger logger)
        : this(store, subscription.Name, options, logger) => Subscription = subscription;

    private ShardAgent(EventStore store, string name, DaemonOptions options, ILogger logger)
    {
        _store = store;
        Name = name;
        _options = options;
        _logger = logger;
        _s = store.Options.Schema;
    }

    public string Name { get; }
    public IProjection? Projection { get; }
    public ISubscription? Subscription { get; }
    public long Position => Volatile.Read(ref _position);

    public ShardStatus Status
    {
        get
        {
            var condition = _condition;
            return new ShardStatus(Name, condition.State, Position, condition.Reason, condition.BlockedAt);
        }
    }

    /// <summary>
    /// Live mode: follow the mark. A projection dead-letters what it cannot apply and goes on; a subscription stops
    /// before an event it cannot read. A rebuild left unfinished (cancelled, or its leader went away) is finished first.
    /// </summary>
    public async Task RunAsync(HighWaterMarkAgent highWater, CancellationToken ct)
    {
        var backoff = FirstBackoff;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var (position, status, reason) = await LoadAsync(ct);
                    Volatile.Write(ref _position, position);
                    if (status == StatusPaused)
                    {
                        Enter(ShardState.Paused, reason);
                        _logger.LogWarning("Shard {Shard} is paused ({Reason}); rebuild it to resume", Name, reason);
                        return;
                    }
                    if (status == StatusRebuilding)
                    {
                        _logger.LogInformation("Shard {Shard} resumes an unfinished rebuild at {Position}", Name, position);
                        await ReplayAsync(highWater.Mark, null, ct);
                    }
                    Enter(ShardState.Running);
                    while (true)
                    {
                        var mark = await highWater.WaitForMarkAboveAsync(Position, ct);
                        if (await ProcessUpToAsync(mark, live: true, null, ct) is { } unreadable)
                        {
                            Block(unreadable);
                            await Task.Delay(backoff, ct);
                            backoff = Next(backoff);
                            continue;
                        }
                        if (_condition.State != ShardState.Running)
                        {
                            Enter(ShardState.Running);
                        }
                        backoff = FirstBackoff;
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (RebuildFailedException)
                {
                    return; // paused, said so and logged by ReplayAsync
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Shard {Shard} failed at {Position}; retrying in {Backoff}", Name, Position, backoff);
                    await Task.Delay(backoff, ct);
                    backoff = Next(backoff);
                }
            }
        }
        finally
        {
            if (_condition.State != ShardState.Paused)
            {
                Enter(ShardState.Stopped);
            }
        }
    }

    /// <summary>Rebuild: reset the read model and replay to the captured mark; the first failing event stops it.</summary>
    public async Task RebuildAsync(long target, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        Enter(ShardState.Rebuilding);
        try
        {
            await RetryTransientAsync(() => ResetAsync(ct), ct);
            Volatile.Write(ref _position, 0);
            await ReplayAsync(target, progress, ct);
        }
        catch (OperationCanceledException)
        {
            // Its progress still says 'rebuilding', so the shard's next run finishes the replay.
            Enter(ShardState.Stopped);
            throw;
        }
    }

    private async Task ResetAsync(CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (Projection is not null)
        {
            await Projection.ResetAsync(connection, tx, ct);
        }
        await using var cmd = new NpgsqlCommand(
            $"insert into {_s}.event_progression (name, last_seq_id, status) values ($1, 0, '{StatusRebuilding}') " +
            $"on conflict (name) do update set last_seq_id = 0, status = '{StatusRebuilding}', pause_reason = null, last_updated = now()",
            connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Replays from the current position to the target, failing fast: the first event that cannot be applied pauses
    /// the shard. Transient errors retry from the last committed page instead; one once paused a whole rebuild.
    /// </summary>
    private async Task ReplayAsync(long target, IProgress<RebuildProgress>? progress, CancellationToken ct)
    {
        Enter(ShardState.Rebuilding);
        var run = new ReplayRun(Name, progress);
        try
        {
            await RetryTransientAsync(() => ProcessUpToAsync(target, live: false, run, ct), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not ProgressMovedException)
        {
            var failure = ex as RebuildFailedException ?? new RebuildFailedException(Name, Position + 1, ex);
            var reason = $"rebuild failed at sequence {failure.Sequence}: {failure.InnerException?.GetType().Name}";
            await SetStatusAsync(StatusPaused, reason, CancellationToken.None);
            Enter(ShardState.Paused, reason);
            _logger.LogError("Shard {Shard} paused: {Reason}", Name, reason);
            throw failure;
        }
        await SetStatusAsync(StatusRunning, null, ct);
        Enter(ShardState.Running);
    }

    private async Task RetryTransientAsync(Func<Task> step, CancellationToken ct)
    {
        var backoff = FirstBackoff;
        while (true)
        {
            try
            {
                await step();
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && !ct.IsCancellationRequested)
            {
                _logger.LogWarning("Rebuild of {Shard} met a transient {Error} at {Position}; retrying in {Backoff}", Name, ex.GetType().Name, Position, backoff);
                await Task.Delay(backoff, ct);
                backoff = Next(backoff);
            }
        }
    }

    /// <summary>
    /// Processes pages up to the mark. Returns the event a subscription cannot read, with progress left just before it:
    /// dead-lettering it (as projections do) once let a release that lacked an alias skip events that never reached the bus.
    /// </summary>
    private async Task<UnreadableEvent?> ProcessUpToAsync(long mark, bool live, ReplayRun? run, CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        while (Position < mark)
        {
            var floor = Position;
            var page = await _store.ReadPageAsync(connection, floor, mark, _options.PageSize, ct);
            // A short page holds every event up to the mark, so progress can move to the mark itself (over gaps).
            var next = page.RowCount < _options.PageSize ? mark : page.LastSequence;
            if (page.Unreadable.Count > 0 && !live)
            {
                throw new RebuildFailedException(Name, page.Unreadable[0].Sequence, page.Unreadable[0].Error);
            }
            if (Subscription is not null)
            {
                var unreadable = page.Unreadable.Count > 0 ? page.Unreadable[0] : null;
                var events = unreadable is null ? page.Events : page.Events.Where(e => e.Sequence < unreadable.Sequence).ToList();
                next = unreadable is null ? next : unreadable.Sequence - 1;
                if (events.Count > 0)
                {
                    await Subscription.HandleAsync(events, ct);
                }
                if (next > floor)
                {
                    await CommitProgressAsync(connection, null, floor, next, ct);
                }
                Volatile.Write(ref _position, next);
                if (unreadable is not null)
                {
                    return unreadable;
                }
            }
            else
            {
                await ApplyProjectionPageAsync(connection, page, floor, next, isolateFailures: live, ct);
                Volatile.Write(ref _position, next);
            }
            run?.Report(next, mark, page.Events.Count);
        }
        return null;
    }

    private void Block(UnreadableEvent unreadable)
    {
        var blockedAt = new BlockingEvent(unreadable.Sequence, unreadable.Id, unreadable.Alias, PayloadFreeErrors.Describe(unreadable.Error));
        if (_condition.BlockedAt?.Sequence != blockedAt.Sequence)
        {
            _logger.LogError(
                "Subscription {Shard} stopped before event {EventId} ({Alias}) at sequence {Sequence}, which this release cannot read: {Error}. It goes on from there once a release that can read it leads",
                Name, blockedAt.EventId, blockedAt.Alias, blockedAt.Sequence, blockedAt.Error);
        }
        Enter(ShardState.Blocked, "cannot read the next event", blockedAt);
    }

    private void Enter(ShardState state, string? reason = null, BlockingEvent? blockedAt = null) =>
        _condition = new ShardCondition(state, reason, blockedAt);

    private TimeSpan Next(TimeSpan backoff) => backoff * 2 > _options.ErrorBackoffMax ? _options.ErrorBackoffMax : backoff * 2;

    private async Task ApplyProjectionPageAsync(NpgsqlConnection connection, DaemonPage page, long floor, long next, bool isolateFailures, CancellationToken ct)
    {
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            if (page.Events.Count > 0)
            {
                await Projection!.ApplyAsync(connection, tx, page.Events, ct);
            }
            await DeadLetterUnreadableAsync(connection, tx, page, ct);
            await CommitProgressAsync(connection, tx, floor, next, ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception ex) when (!IsTransient(ex) && ex is not OperationCanceledException && ex is not ProgressMovedException)
        {
            if (!isolateFailures)
            {
                throw new RebuildFailedException(Name, page.Events.Count > 0 ? page.Events[0].Sequence : floor + 1, ex);
            }
            await ApplyIsolatingPoisonAsync(connection, page, floor, next, ct);
        }
    }

    /// <summary>Applies a failed page one event at a time under savepoints; events that still fail become dead letters.</summary>
    private async Task ApplyIsolatingPoisonAsync(NpgsqlConnection connection, DaemonPage page, long floor, long next, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var e in page.Events)
        {
            await tx.SaveAsync("event", ct);
            try
            {
                await Projection!.ApplyAsync(connection, tx, [e], ct);
                await tx.ReleaseAsync("event", ct);
            }
            catch (Exception ex) when (!IsTransient(ex) && ex is not OperationCanceledException)
            {
                await tx.RollbackAsync("event", ct);
                await DeadLetterAsync(connection, tx, e.Sequence, e.Id, e.Alias, ex, ct);
            }
        }
        await DeadLetterUnreadableAsync(connection, tx, page, ct);
        await CommitProgressAsync(connection, tx, floor, next, ct);
        await tx.CommitAsync(ct);
    }

    private async Task DeadLetterUnreadableAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DaemonPage page, CancellationToken ct)
    {
        foreach (var unreadable in page.Unreadable)
        {
            await DeadLetterAsync(connection, tx, unreadable.Sequence, unreadable.Id, unreadable.Alias, unreadable.Error, ct);
        }
    }

    private async Task DeadLetterAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long sequence, Guid eventId, string alias, Exception ex, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"insert into {_s}.dead_letter_events (projection_name, seq_id, event_id, event_type, error_type, error_message) " +
            "values ($1, $2, $3, $4, $5, $6) on conflict (projection_name, seq_id) do nothing", connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = eventId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = alias });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ex.GetType().FullName ?? ex.GetType().Name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PayloadFreeErrors.Describe(ex) });
        await cmd.ExecuteNonQueryAsync(ct);
        DaemonMetrics.DeadLettered(_store, Name);
        // The exception type only: messages of payload errors may quote the payload.
        _logger.LogWarning("Shard {Shard} dead-lettered event {EventId} ({Alias}) at sequence {Sequence}: {Error}",
            Name, eventId, alias, sequence, ex.GetType().Name);
    }

    private async Task CommitProgressAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long floor, long next, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"update {_s}.event_progression set last_seq_id = $2, last_updated = now() where name = $1 and last_seq_id = $3",
            connection, tx);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = floor });
        // Optimistic: if another runner moved this shard, our page must not count twice.
        if (await cmd.ExecuteNonQueryAsync(ct) != 1)
        {
            throw new ProgressMovedException(Name, floor);
        }
    }

    private async Task<(long Position, string Status, string? Reason)> LoadAsync(CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"with created as (insert into {_s}.event_progression (name, last_seq_id) values ($1, 0) on conflict (name) do nothing returning last_seq_id, status, pause_reason) " +
            $"select last_seq_id, status, pause_reason from created union all select last_seq_id, status, pause_reason from {_s}.event_progression where name = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    private async Task SetStatusAsync(string status, string? reason, CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(
            $"update {_s}.event_progression set status = $2, pause_reason = $3, last_updated = now() where name = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static bool IsTransient(Exception ex) => ex is NpgsqlException { IsTransient: true } or TimeoutException;

    private sealed record ShardCondition(ShardState State, string? Reason, BlockingEvent? BlockedAt);

    /// <summary>Counts one replay across the retries of its transient errors.</summary>
    private sealed class ReplayRun(string shard, IProgress<RebuildProgress>? progress)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _applied;

        public void Report(long position, long target, int events)
        {
            _applied += events;
            progress?.Report(new RebuildProgress(shard, position, target, _applied, _clock.Elapsed));
        }
    }
}

internal sealed class ProgressMovedException(string shard, long floor)
    : Exception($"Progress of shard '{shard}' moved from {floor} under us; another runner owns it.");
