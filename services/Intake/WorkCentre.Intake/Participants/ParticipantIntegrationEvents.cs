using Contract = WorkCentre.Contracts.Intake;

namespace WorkCentre.Intake.Participants;

/// <summary>
/// What other services may know of a participant: the pseudonymous id, an age band at the event date and the municipality;
/// never the name, contact details, postcode, date of birth or BSN. <c>ParticipantMergedIn</c> stays inside: the merge is one fact.
/// </summary>
public static class ParticipantIntegrationEvents
{
    public static object? Map(object @event) => @event switch
    {
        ParticipantRegistered e => new Contract.ParticipantRegistered(e.ParticipantId, e.OccurredAt, AgeBands.Of(e.DateOfBirth, e.OccurredAt), e.Municipality),
        ParticipantMerged e => new Contract.ParticipantsMerged(e.ParticipantId, e.IntoParticipantId, e.OccurredAt),
        ParticipantErased e => new Contract.DataSubjectErased(e.ParticipantId, e.OccurredAt),
        _ => null,
    };
}
