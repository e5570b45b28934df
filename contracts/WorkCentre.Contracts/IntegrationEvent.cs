namespace WorkCentre.Contracts;

/// <summary>
/// Every integration event says when its fact happened. The message id is the producing service's event id and
/// travels in the envelope, so consumers deduplicate on it; payloads carry only pseudonymous ids and
/// non-identifying attributes, never names, BSNs or health details.
/// </summary>
public interface IIntegrationEvent
{
    DateTimeOffset OccurredAt { get; }
}
