using MassTransit;

namespace WorkCentre.Contracts.Intake;

// Later facts of a handover carry its id only; HandoverRequested says who sent it where, once.

/// <summary>A warm handover was requested to an organisation's inbox. The dossier summary and any note stay in intake.</summary>
[MessageUrn("workcentre:intake:handover-requested:v1")]
public sealed record HandoverRequested(
    Guid HandoverId, Guid ParticipantId, Guid JourneyId, HandoverDirection Direction, Guid FromOrganisationId, Guid ToOrganisationId, Guid ToInboxId,
    HandoverReasonCode ReasonCode, DateTimeOffset DueAt, Guid? PreviousHandoverId, DateTimeOffset OccurredAt) : IIntegrationEvent;

[MessageUrn("workcentre:intake:handover-accepted:v1")]
public sealed record HandoverAccepted(Guid HandoverId, Guid ParticipantId, DateOnly PlannedFirstContact, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>Declined with a reason and the alternative route it points to.</summary>
[MessageUrn("workcentre:intake:handover-declined:v1")]
public sealed record HandoverDeclined(
    Guid HandoverId, Guid ParticipantId, DeclineReason Reason, Guid? AlternativeInboxId, string? AlternativeProgramme,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

[MessageUrn("workcentre:intake:handover-withdrawn:v1")]
public sealed record HandoverWithdrawn(Guid HandoverId, Guid ParticipantId, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>The receiving partner met the participant: the handover was warm.</summary>
[MessageUrn("workcentre:intake:handover-first-contact:v1")]
public sealed record HandoverFirstContactConfirmed(Guid HandoverId, Guid ParticipantId, DateOnly ContactedOn, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>Not accepted within the inbox's service level; escalated to the sending organisation.</summary>
[MessageUrn("workcentre:intake:handover-stalled:v1")]
public sealed record HandoverStalled(Guid HandoverId, Guid ParticipantId, Guid EscalatedTo, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : IIntegrationEvent;

[MessageUrn("workcentre:intake:handover-expired:v1")]
public sealed record HandoverExpired(Guid HandoverId, Guid ParticipantId, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>Closed by the receiving partner with an outcome; a re-route closes it as re-routed with the new handover's id.</summary>
[MessageUrn("workcentre:intake:handover-closed:v1")]
public sealed record HandoverClosed(Guid HandoverId, Guid ParticipantId, HandoverOutcome? Outcome, Guid? ReroutedTo, DateTimeOffset OccurredAt) : IIntegrationEvent;
