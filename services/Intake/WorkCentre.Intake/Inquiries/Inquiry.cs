using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.Privacy;

namespace WorkCentre.Intake.Inquiries;

/// <summary>A question asked at any partner's desk: "no wrong door".</summary>
public sealed record InquiryRegistered(
    [property: DataSubjectId] Guid InquiryId,
    DateTimeOffset OccurredAt,
    InquiryChannel Channel,
    RequesterType RequesterType,
    QuestionDomain Domain,
    string Municipality,
    string Location,
    [property: PersonalData] string? Question,
    string Advisor) : IOccurredAt;

public sealed record RegisterInquiry(
    Guid InquiryId,
    InquiryChannel Channel,
    RequesterType RequesterType,
    QuestionDomain Domain,
    string Municipality,
    string Location,
    string? Question,
    string Advisor,
    DateTimeOffset Now);

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
        QuestionDomain Domain, string Municipality, string Location) : Inquiry;

    public static readonly Inquiry Initial = new NotRegistered();

    public static Inquiry Evolve(Inquiry state, object @event) => (state, @event) switch
    {
        (NotRegistered, InquiryRegistered e) => new Registered(e.InquiryId, e.OccurredAt, e.Channel, e.RequesterType, e.Domain, e.Municipality, e.Location),
        _ => state,
    };

    public static IReadOnlyList<object> Decide(RegisterInquiry command, Inquiry state) => state switch
    {
        NotRegistered =>
        [
            new InquiryRegistered(command.InquiryId, command.Now, command.Channel, command.RequesterType, command.Domain,
                command.Municipality, command.Location, command.Question, command.Advisor),
        ],
        _ => throw new DomainRuleViolationException("inquiry.already-registered", $"Inquiry {command.InquiryId} is already registered."),
    };
}

public static class InquiryEvents
{
    public static EventTypeRegistry MapInquiryEvents(this EventTypeRegistry events) =>
        events.Map<InquiryRegistered>("intake.inquiry_registered.v1");
}
