using MassTransit;

namespace WorkCentre.Contracts.Intake;

/// <summary>
/// A participant's personal data was erased on request. Every service that holds anything personal of this id erases
/// it; aggregates and pseudonymous facts stay.
/// </summary>
[MessageUrn("workcentre:intake:data-subject-erased:v1")]
public sealed record DataSubjectErased(Guid ParticipantId, DateTimeOffset OccurredAt) : IIntegrationEvent;
