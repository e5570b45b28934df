using MassTransit;

namespace WorkCentre.Contracts.Intake;

/// <summary>Two participants were found to be one person: facts about the merged one now belong to the surviving one.</summary>
[MessageUrn("workcentre:intake:participants-merged:v1")]
public sealed record ParticipantsMerged(Guid MergedParticipantId, Guid SurvivingParticipantId, DateTimeOffset OccurredAt) : IIntegrationEvent;
