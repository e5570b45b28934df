using MassTransit;

namespace WorkCentre.Contracts.Intake;

/// <summary>A participant consented to sharing for a purpose with a recipient (an organisation id or a category).</summary>
[MessageUrn("workcentre:intake:consent-given:v1")]
public sealed record ConsentGiven(
    Guid ConsentId, Guid ParticipantId, ConsentPurpose Purpose, Guid? RecipientOrganisationId, string? RecipientCategory,
    IReadOnlyList<DataCategory> DataCategories, DateTimeOffset ExpiresAt, Guid? Replaces, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>The participant withdrew a consent: sharing under it stops at once, downstream too.</summary>
[MessageUrn("workcentre:intake:consent-withdrawn:v1")]
public sealed record ConsentWithdrawn(Guid ConsentId, Guid ParticipantId, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A consent reached its expiry without renewal.</summary>
[MessageUrn("workcentre:intake:consent-expired:v1")]
public sealed record ConsentExpired(Guid ConsentId, Guid ParticipantId, DateTimeOffset OccurredAt) : IIntegrationEvent;
