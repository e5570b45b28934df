using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Inquiries;
using WorkCentre.Messaging;
using static WorkCentre.Intake.Inquiries.InquiryCommand;
using InquiryAnswered = WorkCentre.Intake.Inquiries.InquiryAnswered;
using InquiryClosed = WorkCentre.Intake.Inquiries.InquiryClosed;
using InquiryRegistered = WorkCentre.Intake.Inquiries.InquiryRegistered;

namespace WorkCentre.Intake.Tests.Inquiries;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class InquiryDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.CreateVersion7();

    private static InquiryRegistered Registered(RequesterType requester = RequesterType.Resident) =>
        new(Id, Now, InquiryChannel.WalkIn, requester, QuestionDomain.Working, "Haarlem", "Town hall", "Can I retrain?", "advisor-1", "werkcentrum-zkij");

    private static IReadOnlyList<object> When(InquiryCommand command, params object[] given) =>
        Inquiry.Decide(command, given.Aggregate(Inquiry.Initial, Inquiry.Evolve));

    private static string Refused(InquiryCommand command, params object[] given) =>
        Assert.Throws<DomainRuleViolationException>(() => When(command, given)).Rule;

    [Fact]
    public void Given_nothing_When_registering_Then_registered_open_at_the_desks_organisation()
    {
        var registered = Assert.IsType<InquiryRegistered>(Assert.Single(Inquiry.Decide(
            new RegisterInquiry(Id, InquiryChannel.Phone, RequesterType.Resident, QuestionDomain.Career, "Velsen", "Phone line", null, "advisor-1", Now, "velsen"),
            Inquiry.Initial)));

        var state = Assert.IsType<Inquiry.Registered>(Inquiry.Evolve(Inquiry.Initial, registered));
        Assert.Equal(InquiryStatus.Open, state.Status);
        Assert.Equal("velsen", state.Organisation);
    }

    [Fact]
    public void Given_an_open_inquiry_When_answered_Then_answered() =>
        Assert.IsType<InquiryAnswered>(Assert.Single(When(new Answer(Id, "Pointed to the learn-work desk.", "advisor-1", Now), Registered())));

    [Fact]
    public void Given_a_residents_question_When_forwarded_to_the_employer_service_Then_refused() =>
        Assert.Equal("inquiry.not-an-employer-question", Refused(new ForwardToEmployerService(Id, "advisor-1", Now), Registered()));

    [Fact]
    public void Given_an_employers_question_When_forwarded_twice_Then_forwarded_once()
    {
        var forwarded = Assert.Single(When(new ForwardToEmployerService(Id, "advisor-1", Now), Registered(RequesterType.Employer)));

        Assert.Empty(When(new ForwardToEmployerService(Id, "advisor-1", Now), Registered(RequesterType.Employer), forwarded));
    }

    [Fact]
    public void Given_an_inquiry_turned_into_one_intake_When_turned_into_another_Then_refused()
    {
        var turned = Assert.Single(When(new TurnIntoIntake(Id, Guid.CreateVersion7(), "advisor-1", Now), Registered()));

        Assert.Equal("inquiry.already-turned-into-intake", Refused(new TurnIntoIntake(Id, Guid.CreateVersion7(), "advisor-1", Now), Registered(), turned));
    }

    [Fact]
    public void Given_an_open_inquiry_When_closed_without_an_outcome_Then_refused() =>
        Assert.Equal("inquiry.outcome-required", Refused(new Close(Id, null, "advisor-1", Now), Registered()));

    [Fact]
    public void Given_a_closed_inquiry_When_answered_Then_refused() =>
        Assert.Equal("inquiry.closed", Refused(new Answer(Id, null, "advisor-1", Now), Registered(), new InquiryClosed(Id, InquiryOutcome.NoFurtherAction, "a", Now)));

    [Fact]
    public void Given_nothing_When_answering_Then_refused_as_unknown() =>
        Assert.Equal("inquiry.unknown", Refused(new Answer(Id, null, "advisor-1", Now)));
}
