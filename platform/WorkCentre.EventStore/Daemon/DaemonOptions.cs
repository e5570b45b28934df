namespace WorkCentre.EventStore.Daemon;

public sealed record DaemonOptions
{
    /// <summary>How long a gap in the sequence may hold the high-water mark before the daemon tries to prove it dead.</summary>
    public TimeSpan StaleThreshold { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Events a shard reads and commits at a time.</summary>
    public int PageSize { get; init; } = 2_000;

    /// <summary>Sequence numbers the high-water detection looks at in one statement.</summary>
    public int HighWaterWindow { get; init; } = 100_000;

    /// <summary>The longest idle poll; a local append wakes the daemon sooner.</summary>
    public TimeSpan IdlePollMax { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often a standby instance asks for leadership.</summary>
    public TimeSpan LeadershipRetry { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan ErrorBackoffMax { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Rebuild progress: where the replay is, where it stops, and how fast it goes.</summary>
public sealed record RebuildProgress(string Shard, long Position, long Target, long EventsApplied, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? EventsApplied / Elapsed.TotalSeconds : 0;
}

/// <summary>A rebuild stopped at an event its projection could not apply; rebuilds fail fast.</summary>
public sealed class RebuildFailedException(string shard, long sequence, Exception inner)
    : Exception($"Rebuild of '{shard}' failed at sequence {sequence}.", inner), IPayloadFreeMessage
{
    public string Shard { get; } = shard;
    public long Sequence { get; } = sequence;
}
