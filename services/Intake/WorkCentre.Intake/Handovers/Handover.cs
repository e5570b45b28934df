using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.Privacy;

namespace WorkCentre.Intake.Handovers;

/// <summary>
/// The minimal dossier a receiving partner sees: a line per data category, only for the categories the consent covers.
/// Encrypted under the participant's key like every personal field.
/// </summary>
public sealed record DossierSummary([property: PersonalData] IReadOnlyDictionary<DataCategory, string>? Lines);

public sealed record HandoverRequested(
    Guid HandoverId,
    [property: DataSubjectId] Guid ParticipantId,
    Guid JourneyId,
    HandoverDirection Direction,
    Guid FromOrganisationId,
    Guid ToOrganisationId,
    Guid ToInboxId,
    Guid? ConsentId,
    HandoverReason Reason,
    DossierSummary Summary,
    DateTimeOffset DueAt,
    DateTimeOffset ExpiresAt,
    Guid? PreviousHandoverId,
    string RequestedBy,
    DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record HandoverAccepted([property: DataSubjectId] Guid ParticipantId, Guid HandoverId, DateOnly PlannedFirstContact, string AcceptedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record HandoverDeclined(
    [property: DataSubjectId] Guid ParticipantId, Guid HandoverId, DeclineReason Reason, Guid? AlternativeInboxId, string? AlternativeProgramme,
    string DeclinedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record HandoverWithdrawn([property: DataSubjectId] Guid ParticipantId, Guid HandoverId, string WithdrawnBy, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record FirstContactConfirmed([property: DataSubjectId] Guid ParticipantId, Guid HandoverId, DateOnly ContactedOn, string ConfirmedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record HandoverClosed([property: DataSubjectId] Guid ParticipantId, Guid HandoverId, HandoverOutcome Outcome, string ClosedBy, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>Not accepted within the inbox's service level: escalated to the sender's organisation, which stays responsible.</summary>
public sealed record HandoverStalled([property: DataSubjectId] Guid ParticipantId, Guid HandoverId, Guid EscalatedTo, DateTimeOffset DueAt, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record HandoverExpired([property: DataSubjectId] Guid ParticipantId, Guid HandoverId, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>The sender sent it on to another inbox as a new handover, linked to this one.</summary>
public sealed record HandoverRerouted([property: DataSubjectId] Guid ParticipantId, Guid HandoverId, Guid NewHandoverId, string ReroutedBy, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>Why the sender hands over: a code for counting and an optional note for the receiver.</summary>
public sealed record HandoverReason(HandoverReasonCode Code, [property: PersonalData] string? Note);

public abstract record HandoverCommand(Guid HandoverId, string Actor, DateTimeOffset Now)
{
    public sealed record Request(
        Guid HandoverId, Guid ParticipantId, Guid JourneyId, HandoverDirection Direction, Guid FromOrganisationId, Guid ToOrganisationId, Guid ToInboxId,
        Guid? ConsentId, HandoverReason Reason, DossierSummary Summary, DateTimeOffset DueAt, DateTimeOffset ExpiresAt, Guid? PreviousHandoverId,
        string Actor, DateTimeOffset Now) : HandoverCommand(HandoverId, Actor, Now);

    public sealed record Accept(Guid HandoverId, DateOnly PlannedFirstContact, DateOnly Today, string Actor, DateTimeOffset Now) : HandoverCommand(HandoverId, Actor, Now);

    public sealed record Decline(Guid HandoverId, DeclineReason? Reason, Guid? AlternativeInboxId, string? AlternativeProgramme, string Actor, DateTimeOffset Now)
        : HandoverCommand(HandoverId, Actor, Now);

    public sealed record Withdraw(Guid HandoverId, string Actor, DateTimeOffset Now) : HandoverCommand(HandoverId, Actor, Now);

    public sealed record ConfirmFirstContact(Guid HandoverId, DateOnly ContactedOn, DateOnly Today, string Actor, DateTimeOffset Now) : HandoverCommand(HandoverId, Actor, Now);

    public sealed record Close(Guid HandoverId, HandoverOutcome Outcome, string Actor, DateTimeOffset Now) : HandoverCommand(HandoverId, Actor, Now);

    /// <summary>From the service-level timer.</summary>
    public sealed record MarkStalled(Guid HandoverId, DateTimeOffset Now) : HandoverCommand(HandoverId, "timer", Now);

    /// <summary>From the expiry timer.</summary>
    public sealed record MarkExpired(Guid HandoverId, DateTimeOffset Now) : HandoverCommand(HandoverId, "timer", Now);

    public sealed record Reroute(Guid HandoverId, Guid NewHandoverId, string Actor, DateTimeOffset Now) : HandoverCommand(HandoverId, Actor, Now);
}

/// <summary>The warm-handover decider: pure functions over a closed set of states.</summary>
public abstract record Handover
{
    public const string StreamType = "intake.handover";

    private Handover()
    {
    }

    public sealed record None : Handover;

    /// <summary>What every handover that exists knows; <see cref="Status"/> says where it stands.</summary>
    public sealed record Known(
        Guid HandoverId, Guid ParticipantId, Guid JourneyId, HandoverDirection Direction, Guid FromOrganisationId, Guid ToOrganisationId,
        Guid ToInboxId, Guid? ConsentId, HandoverReasonCode ReasonCode, IReadOnlyList<DataCategory> SharedCategories, DateTimeOffset RequestedAt,
        DateTimeOffset DueAt, DateTimeOffset ExpiresAt, Guid? PreviousHandoverId, HandoverStatus Status, DateTimeOffset? StalledAt,
        DateOnly? PlannedFirstContact, DateOnly? ContactedOn, Guid? NextHandoverId) : Handover
    {
        public bool IsOpen => Status is HandoverStatus.Requested or HandoverStatus.Accepted or HandoverStatus.FirstContactConfirmed;
    }

    public static readonly Handover Initial = new None();

    public static readonly Decider<Handover, HandoverCommand> Decider = new(StreamType, Initial, Evolve, Decide, s => s is Known);

    public static Handover Evolve(Handover state, object @event) => (state, @event) switch
    {
        (None, HandoverRequested e) => new Known(e.HandoverId, e.ParticipantId, e.JourneyId, e.Direction, e.FromOrganisationId, e.ToOrganisationId,
            e.ToInboxId, e.ConsentId, e.Reason.Code, [.. (e.Summary.Lines?.Keys ?? []).Order()], e.OccurredAt, e.DueAt, e.ExpiresAt, e.PreviousHandoverId,
            HandoverStatus.Requested, null, null, null, null),
        (Known h, HandoverAccepted e) => h with { Status = HandoverStatus.Accepted, PlannedFirstContact = e.PlannedFirstContact },
        (Known h, HandoverDeclined) => h with { Status = HandoverStatus.Declined },
        (Known h, HandoverWithdrawn) => h with { Status = HandoverStatus.Withdrawn },
        (Known h, FirstContactConfirmed e) => h with { Status = HandoverStatus.FirstContactConfirmed, ContactedOn = e.ContactedOn },
        (Known h, HandoverClosed) => h with { Status = HandoverStatus.Closed },
        (Known h, HandoverStalled e) => h with { StalledAt = e.OccurredAt },
        (Known h, HandoverExpired) => h with { Status = HandoverStatus.Expired },
        (Known h, HandoverRerouted e) => h with { Status = HandoverStatus.Rerouted, NextHandoverId = e.NewHandoverId },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(HandoverCommand command, Handover state) => (command, state) switch
    {
        (HandoverCommand.Request c, None) => Request(c),
        (HandoverCommand.Request c, Known) => throw Violation("handover.already-requested", $"Handover {c.HandoverId} was requested already."),
        (_, None) => throw Violation("handover.unknown", $"No handover {command.HandoverId} was requested."),
        (HandoverCommand.Accept c, Known { Status: HandoverStatus.Requested } h) => Accept(c, h),
        (HandoverCommand.Decline c, Known { Status: HandoverStatus.Requested } h) => Decline(c, h),
        (HandoverCommand.Withdraw c, Known { Status: HandoverStatus.Requested } h) => [new HandoverWithdrawn(h.ParticipantId, h.HandoverId, c.Actor, c.Now)],
        (HandoverCommand.ConfirmFirstContact c, Known { Status: HandoverStatus.Accepted } h) => ConfirmFirstContact(c, h),
        (HandoverCommand.Close c, Known { Status: HandoverStatus.FirstContactConfirmed } h) => [new HandoverClosed(h.ParticipantId, h.HandoverId, c.Outcome, c.Actor, c.Now)],
        // A timer may fire late, twice, or after the partner answered: only an unanswered handover past its moment changes.
        (HandoverCommand.MarkStalled c, Known { Status: HandoverStatus.Requested, StalledAt: null } h) when c.Now >= h.DueAt =>
            [new HandoverStalled(h.ParticipantId, h.HandoverId, h.FromOrganisationId, h.DueAt, c.Now)],
        (HandoverCommand.MarkStalled, Known) => [],
        (HandoverCommand.MarkExpired c, Known { Status: HandoverStatus.Requested } h) when c.Now >= h.ExpiresAt => [new HandoverExpired(h.ParticipantId, h.HandoverId, c.Now)],
        (HandoverCommand.MarkExpired, Known) => [],
        (HandoverCommand.Reroute c, Known { Status: HandoverStatus.Requested or HandoverStatus.Declined or HandoverStatus.Expired or HandoverStatus.Withdrawn } h) =>
            [new HandoverRerouted(h.ParticipantId, h.HandoverId, c.NewHandoverId, c.Actor, c.Now)],
        (_, Known h) => throw Violation("handover.not-allowed-now",
            $"A handover that is {Describe(h.Status)} cannot be {Verb(command)}."),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a handover command"),
    };

    private static IReadOnlyList<object> Request(HandoverCommand.Request c)
    {
        if (c.FromOrganisationId == c.ToOrganisationId && c.Direction == HandoverDirection.Outbound)
        {
            throw Violation("handover.to-self", "A handover goes to another organisation's inbox.");
        }
        if (c.DueAt <= c.Now || c.ExpiresAt < c.DueAt)
        {
            throw new ArgumentException("A handover is due after it is requested and expires after it is due.", nameof(c));
        }
        return [new HandoverRequested(c.HandoverId, c.ParticipantId, c.JourneyId, c.Direction, c.FromOrganisationId, c.ToOrganisationId, c.ToInboxId,
            c.ConsentId, c.Reason, c.Summary, c.DueAt, c.ExpiresAt, c.PreviousHandoverId, c.Actor, c.Now)];
    }

    private static IReadOnlyList<object> Accept(HandoverCommand.Accept c, Known h) =>
        c.PlannedFirstContact < c.Today
            ? throw Violation("handover.first-contact-in-past", "The planned first contact is today or later.")
            : [new HandoverAccepted(h.ParticipantId, h.HandoverId, c.PlannedFirstContact, c.Actor, c.Now)];

    private static IReadOnlyList<object> Decline(HandoverCommand.Decline c, Known h)
    {
        if (c.Reason is null)
        {
            throw Violation("handover.decline-reason", "A decline says why, with a reason code.");
        }
        // No wrong door: whoever declines points to where the person can go instead.
        if (c.AlternativeInboxId is null && string.IsNullOrWhiteSpace(c.AlternativeProgramme))
        {
            throw Violation("handover.decline-needs-alternative", "A decline names an alternative route: another inbox or a programme.");
        }
        if (c.AlternativeInboxId == h.ToInboxId)
        {
            throw Violation("handover.decline-needs-alternative", "The alternative is another inbox than the one declining.");
        }
        return [new HandoverDeclined(h.ParticipantId, h.HandoverId, c.Reason.Value, c.AlternativeInboxId, c.AlternativeProgramme?.Trim(), c.Actor, c.Now)];
    }

    private static IReadOnlyList<object> ConfirmFirstContact(HandoverCommand.ConfirmFirstContact c, Known h) =>
        c.ContactedOn > c.Today
            ? throw Violation("handover.first-contact-in-future", "A first contact is confirmed once it has happened.")
            : c.ContactedOn < DateOnly.FromDateTime(h.RequestedAt.UtcDateTime)
                ? throw Violation("handover.first-contact-before-request", "The first contact cannot precede the handover.")
                : [new FirstContactConfirmed(h.ParticipantId, h.HandoverId, c.ContactedOn, c.Actor, c.Now)];

    private static string Describe(HandoverStatus status) => status switch
    {
        HandoverStatus.FirstContactConfirmed => "past its first contact",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Verb(HandoverCommand command) => command switch
    {
        HandoverCommand.Accept => "accepted",
        HandoverCommand.Decline => "declined",
        HandoverCommand.Withdraw => "withdrawn",
        HandoverCommand.ConfirmFirstContact => "given a first contact",
        HandoverCommand.Close => "closed",
        HandoverCommand.Reroute => "re-routed",
        _ => "changed",
    };

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

public static class HandoverEvents
{
    public static EventTypeRegistry MapHandoverEvents(this EventTypeRegistry events) => events
        .Map<HandoverRequested>("intake.handover_requested.v1")
        .Map<HandoverAccepted>("intake.handover_accepted.v1")
        .Map<HandoverDeclined>("intake.handover_declined.v1")
        .Map<HandoverWithdrawn>("intake.handover_withdrawn.v1")
        .Map<FirstContactConfirmed>("intake.handover_first_contact_confirmed.v1")
        .Map<HandoverClosed>("intake.handover_closed.v1")
        .Map<HandoverStalled>("intake.handover_stalled.v1")
        .Map<HandoverExpired>("intake.handover_expired.v1")
        .Map<HandoverRerouted>("intake.handover_rerouted.v1");
}
