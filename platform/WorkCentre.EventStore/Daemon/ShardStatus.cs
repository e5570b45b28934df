namespace WorkCentre.EventStore.Daemon;

public enum ShardState
{
    /// <summary>Not running here: this instance stands by, or the daemon has stopped.</summary>
    Stopped,

    /// <summary>Following the high-water mark.</summary>
    Running,

    /// <summary>Replaying from the start: a rebuild, or one resumed after it was cancelled or its leader went away.</summary>
    Rebuilding,

    /// <summary>A rebuild failed; the shard waits until it is rebuilt again.</summary>
    Paused,

    /// <summary>A subscription met an event this release cannot read and waits before it for a release that can.</summary>
    Blocked,
}

/// <summary>What one shard is doing, for health checks and operators.</summary>
public sealed record ShardStatus(string Shard, ShardState State, long Position, string? Reason = null, BlockingEvent? BlockedAt = null);

/// <summary>The event a subscription stopped at: where it is, what it is and why it failed; never its payload.</summary>
public sealed record BlockingEvent(long Sequence, Guid EventId, string Alias, string Error);

public enum DaemonHealthStatus
{
    Healthy,
    Degraded,
    Unhealthy,
}

/// <summary>The daemon's own verdict for a readiness check; description and data name shards and events, never payloads.</summary>
public sealed record DaemonHealth(DaemonHealthStatus Status, string Description, IReadOnlyDictionary<string, object> Data);
