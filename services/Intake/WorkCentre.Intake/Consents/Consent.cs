using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.Privacy;

namespace WorkCentre.Intake.Consents;

/// <summary>What the participant agreed to: purpose, recipient, categories, how and until when. Never changed once given.</summary>
public sealed record ConsentTerms(
    ConsentPurpose Purpose,
    Guid? RecipientOrganisationId,
    string? RecipientCategory,
    LegalBasis LegalBasis,
    IReadOnlyList<DataCategory> DataCategories,
    CollectionMethod CollectionMethod,
    string? Witness,
    DateTimeOffset ExpiresAt);

public enum ReplacementReason { Correction, Renewal }

public sealed record ConsentGiven(
    Guid ConsentId, [property: DataSubjectId] Guid ParticipantId, ConsentTerms Terms, Guid? Replaces, string RecordedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record ConsentWithdrawn([property: DataSubjectId] Guid ParticipantId, Guid ConsentId, string RecordedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record ConsentExpired([property: DataSubjectId] Guid ParticipantId, Guid ConsentId, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>A correction or renewal: the old consent stops counting and the new one, given in the same commit, takes over.</summary>
public sealed record ConsentReplaced(
    [property: DataSubjectId] Guid ParticipantId, Guid ConsentId, Guid ReplacedBy, ReplacementReason Reason, DateTimeOffset OccurredAt) : IOccurredAt;

public abstract record ConsentCommand(Guid ConsentId, DateTimeOffset Now)
{
    public sealed record Give(Guid ConsentId, Guid ParticipantId, ConsentTerms Terms, Guid? Replaces, string Actor, DateTimeOffset Now) : ConsentCommand(ConsentId, Now);

    public sealed record Withdraw(Guid ConsentId, string Actor, DateTimeOffset Now) : ConsentCommand(ConsentId, Now);

    /// <summary>From the expiry timer: only a consent that is still in force and past its end expires.</summary>
    public sealed record Expire(Guid ConsentId, DateTimeOffset Now) : ConsentCommand(ConsentId, Now);

    public sealed record Replace(Guid ConsentId, Guid ReplacedBy, ReplacementReason Reason, DateTimeOffset Now) : ConsentCommand(ConsentId, Now);
}

/// <summary>The consent decider: pure functions over a closed set of states.</summary>
public abstract record Consent
{
    public const string StreamType = "intake.consent";

    /// <summary>Consent is asked again at least every five years; an open-ended one is no informed choice.</summary>
    public static readonly TimeSpan LongestTerm = TimeSpan.FromDays(5 * 366);

    private Consent()
    {
    }

    public sealed record NotGiven : Consent;

    public sealed record Given(Guid ConsentId, Guid ParticipantId, ConsentTerms Terms, DateTimeOffset GivenAt) : Consent;

    /// <summary>No longer in force: withdrawn, expired or replaced. Its terms stay on record.</summary>
    public sealed record Ended(Guid ConsentId, Guid ParticipantId, ConsentTerms Terms, DateTimeOffset GivenAt, ConsentStatus Status, DateTimeOffset EndedAt) : Consent;

    public static readonly Consent Initial = new NotGiven();

    public static readonly Decider<Consent, ConsentCommand> Decider = new(StreamType, Initial, Evolve, Decide, s => s is not NotGiven);

    public static Consent Evolve(Consent state, object @event) => (state, @event) switch
    {
        (NotGiven, ConsentGiven e) => new Given(e.ConsentId, e.ParticipantId, e.Terms, e.OccurredAt),
        (Given g, ConsentWithdrawn e) => new Ended(g.ConsentId, g.ParticipantId, g.Terms, g.GivenAt, ConsentStatus.Withdrawn, e.OccurredAt),
        (Given g, ConsentExpired e) => new Ended(g.ConsentId, g.ParticipantId, g.Terms, g.GivenAt, ConsentStatus.Expired, e.OccurredAt),
        (Given g, ConsentReplaced e) => new Ended(g.ConsentId, g.ParticipantId, g.Terms, g.GivenAt, ConsentStatus.Replaced, e.OccurredAt),
        _ => state,
    };

    public static IReadOnlyList<object> Decide(ConsentCommand command, Consent state) => (command, state) switch
    {
        (ConsentCommand.Give c, NotGiven) => Give(c),
        (ConsentCommand.Give c, _) => throw Violation("consent.immutable", $"Consent {c.ConsentId} was given already; a correction replaces it with a new one."),
        (_, NotGiven) => throw Violation("consent.unknown", $"No consent {command.ConsentId} was given."),
        (ConsentCommand.Withdraw c, Given g) => [new ConsentWithdrawn(g.ParticipantId, g.ConsentId, c.Actor, c.Now)],
        (ConsentCommand.Withdraw, Ended { Status: ConsentStatus.Withdrawn }) => [],
        (ConsentCommand.Expire c, Given g) when c.Now >= g.Terms.ExpiresAt => [new ConsentExpired(g.ParticipantId, g.ConsentId, c.Now)],
        (ConsentCommand.Expire, _) => [],
        (ConsentCommand.Replace c, Given g) => [new ConsentReplaced(g.ParticipantId, g.ConsentId, c.ReplacedBy, c.Reason, c.Now)],
        (_, Ended e) => throw Violation("consent.ended", $"Consent {e.ConsentId} is {e.Status.ToString().ToLowerInvariant()}; record a new consent instead."),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a consent command"),
    };

    private static IReadOnlyList<object> Give(ConsentCommand.Give c)
    {
        var t = c.Terms;
        if (t.DataCategories.Count == 0)
        {
            throw Violation("consent.categories-required", "A consent names at least one data category it covers.");
        }
        if (t.ExpiresAt <= c.Now || t.ExpiresAt > c.Now + LongestTerm)
        {
            throw Violation("consent.term", "A consent expires after it is given and within five years.");
        }
        // Verbal consent is only as good as the person who heard it.
        if (t.CollectionMethod == CollectionMethod.VerbalWithWitness && string.IsNullOrWhiteSpace(t.Witness))
        {
            throw Violation("consent.witness-required", "Verbal consent names the staff member who witnessed it.");
        }
        if (t.RecipientOrganisationId is null && string.IsNullOrWhiteSpace(t.RecipientCategory))
        {
            throw Violation("consent.recipient-required", "A consent names its recipient: an organisation or a category of recipients.");
        }
        if (t.Purpose == ConsentPurpose.Handover && t.RecipientOrganisationId is null)
        {
            throw Violation("consent.handover-recipient", "Consent for a handover names the organisation that receives it.");
        }
        return [new ConsentGiven(c.ConsentId, c.ParticipantId, t with { DataCategories = [.. t.DataCategories.Distinct().Order()] }, c.Replaces, c.Actor, c.Now)];
    }

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

public enum ConsentStatus { Given, Withdrawn, Expired, Replaced }

public static class ConsentEvents
{
    public static EventTypeRegistry MapConsentEvents(this EventTypeRegistry events) => events
        .Map<ConsentGiven>("intake.consent_given.v1")
        .Map<ConsentWithdrawn>("intake.consent_withdrawn.v1")
        .Map<ConsentExpired>("intake.consent_expired.v1")
        .Map<ConsentReplaced>("intake.consent_replaced.v1");
}
