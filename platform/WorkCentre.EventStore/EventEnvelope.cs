namespace WorkCentre.EventStore;

/// <summary>An event as stored: the domain event plus where and when it landed.</summary>
public sealed record EventEnvelope(
    long Sequence,
    Guid Id,
    Guid StreamId,
    long Version,
    string Alias,
    object Data,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    string? CorrelationId,
    string? CausationId,
    string? Actor,
    IReadOnlyDictionary<string, string>? Headers,
    string TenantId);

/// <summary>Domain events that know when they happened; late reports carry an earlier time than recording.</summary>
public interface IOccurredAt
{
    DateTimeOffset OccurredAt { get; }
}

/// <summary>Who and what caused the events of one session; recorded on every event it appends.</summary>
public sealed record EventMetadata
{
    public string? CorrelationId { get; init; }
    public string? CausationId { get; init; }

    /// <summary>The pseudonymous actor (never a name or e-mail address).</summary>
    public string? Actor { get; init; }

    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}
