using Contract = WorkCentre.Contracts.Intake;

namespace WorkCentre.Intake.Handovers;

/// <summary>What other services may know of a handover: ids, codes and dates. The reason note and the dossier summary never leave intake.</summary>
public static class HandoverIntegrationEvents
{
    public static object? Map(object @event) => @event switch
    {
        HandoverRequested e => new Contract.HandoverRequested(e.HandoverId, e.ParticipantId, e.JourneyId, e.Direction, e.FromOrganisationId, e.ToOrganisationId,
            e.ToInboxId, e.Reason.Code, e.DueAt, e.PreviousHandoverId, e.OccurredAt),
        HandoverAccepted e => new Contract.HandoverAccepted(e.HandoverId, e.ParticipantId, e.PlannedFirstContact, e.OccurredAt),
        HandoverDeclined e => new Contract.HandoverDeclined(e.HandoverId, e.ParticipantId, e.Reason, e.AlternativeInboxId, e.AlternativeProgramme, e.OccurredAt),
        HandoverWithdrawn e => new Contract.HandoverWithdrawn(e.HandoverId, e.ParticipantId, e.OccurredAt),
        FirstContactConfirmed e => new Contract.HandoverFirstContactConfirmed(e.HandoverId, e.ParticipantId, e.ContactedOn, e.OccurredAt),
        HandoverStalled e => new Contract.HandoverStalled(e.HandoverId, e.ParticipantId, e.EscalatedTo, e.DueAt, e.OccurredAt),
        HandoverExpired e => new Contract.HandoverExpired(e.HandoverId, e.ParticipantId, e.OccurredAt),
        HandoverClosed e => new Contract.HandoverClosed(e.HandoverId, e.ParticipantId, e.Outcome, null, e.OccurredAt),
        HandoverRerouted e => new Contract.HandoverClosed(e.HandoverId, e.ParticipantId, null, e.NewHandoverId, e.OccurredAt),
        _ => null,
    };
}
