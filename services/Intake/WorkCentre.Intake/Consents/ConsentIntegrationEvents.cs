using Contract = WorkCentre.Contracts.Intake;

namespace WorkCentre.Intake.Consents;

/// <summary>What other services may know of a consent: ids, purpose, recipient, categories and dates. A renewal or correction is a new consent that replaces.</summary>
public static class ConsentIntegrationEvents
{
    public static object? Map(object @event) => @event switch
    {
        ConsentGiven e => new Contract.ConsentGiven(e.ConsentId, e.ParticipantId, e.Terms.Purpose, e.Terms.RecipientOrganisationId, e.Terms.RecipientCategory,
            e.Terms.DataCategories, e.Terms.ExpiresAt, e.Replaces, e.OccurredAt),
        ConsentWithdrawn e => new Contract.ConsentWithdrawn(e.ConsentId, e.ParticipantId, e.OccurredAt),
        ConsentExpired e => new Contract.ConsentExpired(e.ConsentId, e.ParticipantId, e.OccurredAt),
        _ => null,
    };
}
