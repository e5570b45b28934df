namespace WorkCentre.EventStore;

public enum AppendMode
{
    /// <summary>The stream must not exist yet.</summary>
    Start = 0,

    /// <summary>The stream must be at the expected version (0 = new).</summary>
    ExpectedVersion = 1,

    /// <summary>Append whatever the current version is.</summary>
    Any = 2,
}

/// <summary>
/// The stream was not at the version the caller expected. Built from the caller's inputs, never parsed
/// from the database's message, so it is the same whichever server version or locale raised it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "The domain's name for it; callers catch it by this name.")]
public sealed class StreamVersionConflict(Guid streamId, string streamType, AppendMode mode, long expectedVersion, Exception? inner = null)
    : Exception(Describe(streamId, mode, expectedVersion), inner), IPayloadFreeMessage
{
    public Guid StreamId { get; } = streamId;
    public string StreamType { get; } = streamType;
    public AppendMode Mode { get; } = mode;
    public long ExpectedVersion { get; } = expectedVersion;

    private static string Describe(Guid streamId, AppendMode mode, long expected) => mode switch
    {
        AppendMode.Start => $"Stream {streamId} already exists.",
        _ => $"Stream {streamId} is not at the expected version {expected}.",
    };
}
