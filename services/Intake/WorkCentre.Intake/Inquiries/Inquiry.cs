using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.Privacy;

namespace WorkCentre.Intake.Inquiries;

/// <summary>A question asked at any partner's desk: "no wrong door". <c>Organisation</c> is the code of the desk's organisation.</summary>
public sealed record InquiryRegistered(
    [property: DataSubjectId] Guid InquiryId,
    DateTimeOffset OccurredAt,
    InquiryChannel Channel,
    RequesterType RequesterType,
    QuestionDomain Domain,
    string Municipality,
    string Location,
    [property: PersonalData] string? Question,
    string Advisor,
    string? Organisation = null) : IOccurredAt;

/// <summary>Answered at the desk; the note may hold personal data and is encrypted like the question.</summary>
public sealed record InquiryAnswered([property: DataSubjectId] Guid InquiryId, [property: PersonalData] string? Note, string AnsweredBy, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>An employer's question sent on to the employer service point.</summary>
public sealed record InquiryForwardedToEmployerService(
    [property: DataSubjectId] Guid InquiryId, QuestionDomain Domain, string Municipality, string ForwardedBy, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>The question became a person's journey: the participant it was turned into.</summary>
public sealed record InquiryTurnedIntoIntake([property: DataSubjectId] Guid InquiryId, Guid ParticipantId, string By, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record InquiryLinkedToCampaign([property: DataSubjectId] Guid InquiryId, Guid CampaignId, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record InquiryClosed([property: DataSubjectId] Guid InquiryId, InquiryOutcome Outcome, string ClosedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record RegisterInquiry(
    Guid InquiryId,
    InquiryChannel Channel,
    RequesterType RequesterType,
    QuestionDomain Domain,
    string Municipality,
    string Location,
    string? Question,
    string Advisor,
    DateTimeOffset Now,
    string? Organisation = null);

/// <summary>What staff do with a registered inquiry.</summary>
public abstract record InquiryCommand(Guid InquiryId, string Actor, DateTimeOffset Now)
{
    public sealed record Answer(Guid InquiryId, string? Note, string Actor, DateTimeOffset Now) : InquiryCommand(InquiryId, Actor, Now);

    public sealed record ForwardToEmployerService(Guid InquiryId, string Actor, DateTimeOffset Now) : InquiryCommand(InquiryId, Actor, Now);

    public sealed record TurnIntoIntake(Guid InquiryId, Guid ParticipantId, string Actor, DateTimeOffset Now) : InquiryCommand(InquiryId, Actor, Now);

    public sealed record LinkToCampaign(Guid InquiryId, Guid CampaignId, string Actor, DateTimeOffset Now) : InquiryCommand(InquiryId, Actor, Now);

    public sealed record Close(Guid InquiryId, InquiryOutcome? Outcome, string Actor, DateTimeOffset Now) : InquiryCommand(InquiryId, Actor, Now);
}

/// <summary>The inquiry decider: pure functions over a closed set of states.</summary>
public abstract record Inquiry
{
    public const string StreamType = "intake.inquiry";

    private Inquiry()
    {
    }

    public sealed record NotRegistered : Inquiry;

    public sealed record Registered(
        Guid InquiryId, DateTimeOffset RegisteredAt, InquiryChannel Channel, RequesterType RequesterType,
        QuestionDomain Domain, string Municipality, string Location, string? Organisation, InquiryStatus Status,
        Guid? ParticipantId, Guid? CampaignId, InquiryOutcome? Outcome) : Inquiry;

    public static readonly Inquiry Initial = new NotRegistered();

    public static readonly Decider<Inquiry, InquiryCommand> Decider = new(StreamType, Initial, Evolve, Decide, s => s is Registered);

    public static Inquiry Evolve(Inquiry state, object @event) => (state, @event) switch
    {
        (NotRegistered, InquiryRegistered e) => new Registered(e.InquiryId, e.OccurredAt, e.Channel, e.RequesterType, e.Domain, e.Municipality, e.Location,
            e.Organisation, InquiryStatus.Open, null, null, null),
        (Registered r, InquiryAnswered) => r with { Status = InquiryStatus.Answered },
        (Registered r, InquiryForwardedToEmployerService) => r with { Status = InquiryStatus.Forwarded },
        (Registered r, InquiryTurnedIntoIntake e) => r with { Status = InquiryStatus.TurnedIntoIntake, ParticipantId = e.ParticipantId },
        (Registered r, InquiryLinkedToCampaign e) => r with { CampaignId = e.CampaignId },
        (Registered r, InquiryClosed e) => r with { Status = InquiryStatus.Closed, Outcome = e.Outcome },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(RegisterInquiry command, Inquiry state) => state switch
    {
        NotRegistered =>
        [
            new InquiryRegistered(command.InquiryId, command.Now, command.Channel, command.RequesterType, command.Domain,
                command.Municipality, command.Location, command.Question, command.Advisor, command.Organisation),
        ],
        _ => throw new DomainRuleViolationException("inquiry.already-registered", $"Inquiry {command.InquiryId} is already registered."),
    };

    public static IReadOnlyList<object> Decide(InquiryCommand command, Inquiry state) => (command, state) switch
    {
        (_, NotRegistered) => throw Violation("inquiry.unknown", $"No inquiry {command.InquiryId} was registered."),
        (InquiryCommand.LinkToCampaign c, Registered r) when r.CampaignId == c.CampaignId => [],
        (InquiryCommand.LinkToCampaign c, Registered) => [new InquiryLinkedToCampaign(c.InquiryId, c.CampaignId, c.Now)],
        (_, Registered { Status: InquiryStatus.Closed }) => throw Violation("inquiry.closed", "The inquiry is closed; register a new one for a new question."),
        (InquiryCommand.Answer c, Registered) => [new InquiryAnswered(c.InquiryId, c.Note, c.Actor, c.Now)],
        // Only an employer's question belongs at the employer service point; a resident's goes to intake or a handover.
        (InquiryCommand.ForwardToEmployerService, Registered { RequesterType: not RequesterType.Employer }) =>
            throw Violation("inquiry.not-an-employer-question", "Only an employer's question is forwarded to the employer service point."),
        (InquiryCommand.ForwardToEmployerService, Registered { Status: InquiryStatus.Forwarded }) => [],
        (InquiryCommand.ForwardToEmployerService c, Registered r) => [new InquiryForwardedToEmployerService(c.InquiryId, r.Domain, r.Municipality, c.Actor, c.Now)],
        (InquiryCommand.TurnIntoIntake c, Registered { ParticipantId: { } linked }) when linked == c.ParticipantId => [],
        (InquiryCommand.TurnIntoIntake, Registered { ParticipantId: not null }) =>
            throw Violation("inquiry.already-turned-into-intake", "The inquiry already became another participant's intake."),
        (InquiryCommand.TurnIntoIntake c, Registered) => [new InquiryTurnedIntoIntake(c.InquiryId, c.ParticipantId, c.Actor, c.Now)],
        (InquiryCommand.Close { Outcome: null }, Registered) => throw Violation("inquiry.outcome-required", "Closing an inquiry records its outcome."),
        (InquiryCommand.Close c, Registered) => [new InquiryClosed(c.InquiryId, c.Outcome!.Value, c.Actor, c.Now)],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not an inquiry command"),
    };

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

public static class InquiryEvents
{
    public static EventTypeRegistry MapInquiryEvents(this EventTypeRegistry events) => events
        .Map<InquiryRegistered>("intake.inquiry_registered.v1")
        .Map<InquiryAnswered>("intake.inquiry_answered.v1")
        .Map<InquiryForwardedToEmployerService>("intake.inquiry_forwarded_to_employer_service.v1")
        .Map<InquiryTurnedIntoIntake>("intake.inquiry_turned_into_intake.v1")
        .Map<InquiryLinkedToCampaign>("intake.inquiry_linked_to_campaign.v1")
        .Map<InquiryClosed>("intake.inquiry_closed.v1");
}
