using MassTransit;

namespace WorkCentre.Contracts.EmployerService;

/// <summary>
/// An employer announced redundancies (a reorganisation, a closure): the employer service tells intake, which opens a
/// bulk-intake campaign so the affected workers are helped from job to job. The employer is an organisation, not a person.
/// </summary>
[MessageUrn("workcentre:employer-service:redundancy-announced:v1")]
public sealed record RedundancyAnnounced(
    Guid AnnouncementId, Guid EmployerId, string EmployerName, string Municipality, int ExpectedAffectedWorkers, DateOnly EffectiveOn,
    DateTimeOffset OccurredAt) : IIntegrationEvent;
