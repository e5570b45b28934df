using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WorkCentre.EventStore.Projections;

namespace WorkCentre.EventStore.Daemon;

/// <summary>
/// The async daemon of one service database. One instance per database leads (a session advisory lock);
/// the others stand by and take over when the leader's session ends. The leader runs the high-water agent
/// and one agent per projection or subscription.
/// </summary>
public sealed class ProjectionDaemon : IHostedService, IAsyncDisposable
{
    private readonly EventStore _store;
    private readonly DaemonOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ShardAgent> _shards;
    private readonly Dictionary<string, (CancellationTokenSource Cts, Task Task)> _running = [];
    private readonly SemaphoreSlim _shardControl = new(1, 1);
    private readonly Meter _meter = new(MeterName);
    private CancellationTokenSource? _stopping;
    private Task? _leadership;
    private volatile Leadership? _term;

    public ProjectionDaemon(
        EventStore store,
        IEnumerable<IProjection> projections,
        IEnumerable<ISubscription>? subscriptions = null,
        DaemonOptions? options = null,
        ILogger<ProjectionDaemon>? logger = null)
    {
        _store = store;
        _options = options ?? new DaemonOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var agents = projections.Select(p => new ShardAgent(store, p, _options, _logger))
            .Concat((subscriptions ?? []).Select(s => new ShardAgent(store, s, _options, _logger)))
            .ToList();
        var duplicate = agents.GroupBy(a => a.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two shards are named '{duplicate.Key}'.");
        }
        _shards = agents.ToDictionary(a => a.Name);
        var tags = DaemonMetrics.StoreTags(store);
        _meter.CreateObservableGauge("workcentre.daemon.high_water_mark", () => new Measurement<long>(HighWaterMark, tags),
            unit: "{event}", description: "Highest sequence below which no event can still appear.");
        _meter.CreateObservableGauge("workcentre.daemon.lag", () => ShardMeasurements(s => Math.Max(0, HighWaterMark - s.Position)),
            unit: "{event}", description: "Events between the high-water mark and the shard's position.");
        _meter.CreateObservableGauge("workcentre.daemon.lag_time", () => ShardMeasurements(s => _term?.HighWater.SecondsBehind(s.Position) ?? 0),
            unit: "s", description: "How long ago the high-water mark passed the shard's position: 0 when caught up.");
        _meter.CreateObservableGauge("workcentre.daemon.shard.state", () => _shards.Values.SelectMany(s =>
        {
            var state = s.Status.State;
            return Enum.GetValues<ShardState>().Select(candidate => new Measurement<int>(candidate == state ? 1 : 0,
                [.. DaemonMetrics.StoreTags(_store, s.Name), new KeyValuePair<string, object?>("state", candidate.ToString().ToLowerInvariant())]));
        }), description: "1 for what each shard is doing (stopped, running, rebuilding, paused, blocked), 0 for the rest.");
    }

    private IEnumerable<Measurement<T>> ShardMeasurements<T>(Func<ShardAgent, T> value) where T : struct =>
        _term is null
            ? []
            : _shards.Values.Select(s => new Measurement<T>(value(s), DaemonMetrics.StoreTags(_store, s.Name)));

    public const string MeterName = DaemonMetrics.MeterName;

    public bool IsLeader => _term is not null;

    /// <summary>Started and not stopped: leading, or standing by to take over.</summary>
    public bool IsRunning => _leadership is { IsCompleted: false };

    public long HighWaterMark => _term?.HighWater.Mark ?? 0;

    public IReadOnlyDictionary<string, long> Positions => _shards.ToDictionary(s => s.Key, s => s.Value.Position);

    public IReadOnlyDictionary<string, ShardStatus> Shards => _shards.ToDictionary(s => s.Key, s => s.Value.Status);

    /// <summary>
    /// Unhealthy when not running, or when leading with a shard that has stopped short: paused after a failed
    /// rebuild, or a subscription blocked before an event it cannot read (named by sequence, id and alias).
    /// Degraded while a shard rebuilds, since its read model is incomplete.
    /// </summary>
    public DaemonHealth CheckHealth()
    {
        var mark = HighWaterMark;
        var data = new Dictionary<string, object> { ["leader"] = IsLeader, ["highWaterMark"] = mark };
        if (!IsRunning)
        {
            return new DaemonHealth(DaemonHealthStatus.Unhealthy, "daemon not running", data);
        }
        if (!IsLeader)
        {
            return new DaemonHealth(DaemonHealthStatus.Healthy, "standing by", data);
        }
        var stopped = new List<string>();
        var rebuilding = new List<string>();
        foreach (var shard in _shards.Values.Select(a => a.Status))
        {
            data[$"lag:{shard.Shard}"] = Math.Max(0, mark - shard.Position);
            data[$"state:{shard.Shard}"] = shard.State.ToString().ToLowerInvariant();
            switch (shard.State)
            {
                case ShardState.Blocked when shard.BlockedAt is { } at:
                    data[$"blockedAt:{shard.Shard}"] = $"sequence {at.Sequence}, event {at.EventId}, {at.Alias}";
                    stopped.Add($"{shard.Shard} stopped before event {at.EventId} ({at.Alias}) at sequence {at.Sequence}, which this release cannot read");
                    break;
                case ShardState.Paused:
                    stopped.Add($"{shard.Shard} is paused ({shard.Reason}); rebuild it to resume");
                    break;
                case ShardState.Rebuilding:
                    rebuilding.Add($"{shard.Shard} is rebuilding at {shard.Position} of {mark}");
                    break;
            }
        }
        return stopped.Count > 0 ? new DaemonHealth(DaemonHealthStatus.Unhealthy, string.Join("; ", stopped.Concat(rebuilding)), data)
            : rebuilding.Count > 0 ? new DaemonHealth(DaemonHealthStatus.Degraded, string.Join("; ", rebuilding), data)
            : new DaemonHealth(DaemonHealthStatus.Healthy, "leading", data);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        _leadership = Task.Run(() => LeadAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || _leadership is null)
        {
            return;
        }
        await _stopping.CancelAsync();
        await _leadership.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping?.Dispose();
        _stopping = null;
        _meter.Dispose();
        _leadership = null;
    }

    /// <summary>Waits until this instance leads and every shard has processed every event committed so far.</summary>
    public async Task WaitForCatchUpAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        long target;
        await using (var connection = await _store.DataSource.OpenConnectionAsync(cts.Token))
        await using (var cmd = new NpgsqlCommand($"select coalesce(max(seq_id), 0) from {_store.Options.Schema}.events", connection))
        {
            target = (long)(await cmd.ExecuteScalarAsync(cts.Token))!;
        }
        try
        {
            while (!(IsLeader && _shards.Values.All(s => s.Position >= target)))
            {
                await Task.Delay(5, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Daemon did not reach sequence {target} within {timeout}: {string.Join(", ", Positions.Select(p => $"{p.Key}={p.Value}"))}, mark={HighWaterMark}, leader={IsLeader}.");
        }
    }

    /// <summary>
    /// Stops the shard, empties its read model, replays to the high-water mark captured now, then resumes it live.
    /// Fails fast on the first event the projection cannot apply; the shard then stays paused. Transient database
    /// errors are retried within the rebuild. Cancelling stops the wait, not the rebuild: the read model is already
    /// emptied, so the shard finishes the replay in the background (state <see cref="ShardState.Rebuilding"/>).
    /// A rebuild ends with the leadership it started under, and the next leader finishes it.
    /// </summary>
    public async Task RebuildAsync(string shard, IProgress<RebuildProgress>? progress = null, CancellationToken ct = default)
    {
        if (!_shards.TryGetValue(shard, out var agent))
        {
            throw new ArgumentException($"No shard named '{shard}'.", nameof(shard));
        }
        await _shardControl.WaitAsync(ct);
        try
        {
            // Read under the lock: a leadership that ended while this call waited must lend it neither mark nor token.
            var term = _term is { Token.IsCancellationRequested: false } current
                ? current
                : throw new InvalidOperationException("Only the leading daemon instance rebuilds; this one stands by.");
            // Bound to the leadership: a rebuild that outlived it ran beside the next leader's agent for the same shard.
            using var rebuilding = CancellationTokenSource.CreateLinkedTokenSource(ct, term.Token);
            await StopShardAsync(shard);
            var target = term.HighWater.Mark;
            try
            {
                _logger.LogInformation("Rebuilding {Shard} up to sequence {Target}", shard, target);
                await agent.RebuildAsync(target, progress, rebuilding.Token);
                _logger.LogInformation("Rebuilt {Shard} up to sequence {Target}", shard, target);
            }
            finally
            {
                // The shard always runs again: live after a rebuild, finishing a cancelled one (its progress still says
                // 'rebuilding'), or reporting a failed one as paused. A cancelled rebuild once left it stopped half-built.
                if (!term.Token.IsCancellationRequested)
                {
                    await StartShardAsync(agent, term);
                }
            }
        }
        finally
        {
            _shardControl.Release();
        }
    }

    private async Task LeadAsync(CancellationToken stopping)
    {
        // Session advisory locks are per database, so the key only has to tell stores in one database apart.
        var lockKey = $"workcentre.daemon.{_store.Options.Schema}";
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _store.DataSource.OpenConnectionAsync(stopping);
                await using (var tryLock = new NpgsqlCommand("select pg_try_advisory_lock(hashtext($1))", connection))
                {
                    tryLock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lockKey });
                    if (!(bool)(await tryLock.ExecuteScalarAsync(stopping))!)
                    {
                        await connection.CloseAsync();
                        await Task.Delay(_options.LeadershipRetry, stopping);
                        continue;
                    }
                }
                try
                {
                    await LeadWhileHoldingLockAsync(connection, stopping);
                }
                finally
                {
                    await ReleaseLeadershipAsync(connection, lockKey);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Daemon lost leadership; standing by");
                await Task.Delay(_options.LeadershipRetry, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// A pooled connection keeps its session locks until its next use resets it, so without this a stopped
    /// leader kept leadership from the next daemon of this process (a restart, a test) for as long as it sat idle.
    /// </summary>
    private async Task ReleaseLeadershipAsync(NpgsqlConnection connection, string lockKey)
    {
        try
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock(hashtext($1))", connection);
            unlock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lockKey });
            await unlock.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The session is gone, and its locks with it.
            _logger.LogDebug(ex, "Leadership lock not released explicitly; its session ended");
        }
    }

    private async Task LeadWhileHoldingLockAsync(NpgsqlConnection connection, CancellationToken stopping)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var highWater = new HighWaterMarkAgent(_store, connection, _options, _logger, () => _shards.Count == 0 ? long.MaxValue : _shards.Values.Min(s => s.Position));
        await highWater.LoadAsync(stopping);
        var term = new Leadership(highWater, leading.Token);
        await _shardControl.WaitAsync(stopping);
        try
        {
            _term = term;
            foreach (var agent in _shards.Values)
            {
                await StartShardAsync(agent, term);
            }
        }
        finally
        {
            _shardControl.Release();
        }
        _logger.LogInformation("Daemon leads {Schema} with {Count} shards from mark {Mark}", _store.Options.Schema, _shards.Count, highWater.Mark);
        try
        {
            // The high-water agent runs on the lock's own session: if that session dies, so does our leadership.
            await highWater.RunAsync(leading.Token);
        }
        finally
        {
            // No longer leading before anything under this leadership is cancelled, so nobody who sees that
            // cancellation (a rebuild's caller) still finds this instance leading; then a rebuild stops and frees the lock.
            _term = null;
            await leading.CancelAsync();
            await _shardControl.WaitAsync(CancellationToken.None);
            try
            {
                foreach (var name in _running.Keys.ToList())
                {
                    await StopShardAsync(name);
                }
            }
            finally
            {
                _shardControl.Release();
            }
        }
    }

    private async Task StartShardAsync(ShardAgent agent, Leadership term)
    {
        // One agent per shard: a start never leaves an earlier one running untracked.
        await StopShardAsync(agent.Name);
        var cts = CancellationTokenSource.CreateLinkedTokenSource(term.Token);
        _running[agent.Name] = (cts, Task.Run(() => agent.RunAsync(term.HighWater, cts.Token), CancellationToken.None));
    }

    private async Task StopShardAsync(string name)
    {
        if (_running.Remove(name, out var running))
        {
            await running.Cts.CancelAsync();
            await running.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            running.Cts.Dispose();
        }
    }

    /// <summary>One spell of leading: its mark and the token that ends with it, read together under the shard lock.</summary>
    private sealed record Leadership(HighWaterMarkAgent HighWater, CancellationToken Token);
}
