using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Calendar;
using WorkCentre.Intake.Handovers;
using WorkCentre.Messaging;
using static WorkCentre.Intake.Handovers.HandoverCommand;
using HandoverAccepted = WorkCentre.Intake.Handovers.HandoverAccepted;
using HandoverDeclined = WorkCentre.Intake.Handovers.HandoverDeclined;
using HandoverExpired = WorkCentre.Intake.Handovers.HandoverExpired;
using HandoverRequested = WorkCentre.Intake.Handovers.HandoverRequested;
using HandoverRerouted = WorkCentre.Intake.Handovers.HandoverRerouted;
using HandoverStalled = WorkCentre.Intake.Handovers.HandoverStalled;

namespace WorkCentre.Intake.Tests.Handovers;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class HandoverDeciderTests
{
    // Thursday 23 April 2026, 10:00 in the Netherlands: five working days on skip a weekend and King's Day (Monday 27 April).
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 4, 23, 10, 0, 0, TimeSpan.FromHours(2)).ToUniversalTime();
    private static readonly DateOnly Today = new(2026, 4, 23);
    private static readonly Guid Id = Guid.CreateVersion7();
    private static readonly Guid Participant = Guid.CreateVersion7();
    private static readonly Guid WorkCentre = Guid.CreateVersion7();
    private static readonly Guid Uwv = Guid.CreateVersion7();
    private static readonly Guid WwIntake = Guid.CreateVersion7();
    private static readonly Guid Leerwerkloket = Guid.CreateVersion7();
    private static readonly DateTimeOffset DueAt = HandoverClocks.DueAfter(Now, 5, WorkingDays.Netherlands);

    private static HandoverRequested Requested() => new(Id, Participant, Participant, HandoverDirection.Outbound, WorkCentre, Uwv, WwIntake, Guid.CreateVersion7(),
        new HandoverReason(HandoverReasonCode.Benefit, "Dismissed last week."), new DossierSummary(new Dictionary<DataCategory, string> { [DataCategory.Contact] = "By phone." }),
        DueAt, DueAt.AddDays(30), null, "advisor-1", Now);

    private static HandoverAccepted Accepted() => new(Participant, Id, Today.AddDays(1), "uwv-1", Now.AddHours(1));

    private static IReadOnlyList<object> When(HandoverCommand command, params object[] given) =>
        Handover.Decide(command, given.Aggregate(Handover.Initial, Handover.Evolve));

    private static string Refused(HandoverCommand command, params object[] given) =>
        Assert.Throws<DomainRuleViolationException>(() => When(command, given)).Rule;

    [Fact]
    public void Given_a_request_on_the_thursday_before_kings_day_When_due_is_computed_Then_five_working_days_end_on_friday_1_may_at_the_same_hour() =>
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.FromHours(2)), DueAt);

    [Fact]
    public void Given_nothing_When_requested_Then_the_handover_waits_in_the_inbox_with_its_categories()
    {
        var request = Requested();
        var events = When(new Request(Id, Participant, Participant, HandoverDirection.Outbound, WorkCentre, Uwv, WwIntake, null, request.Reason, request.Summary,
            DueAt, DueAt.AddDays(30), null, "advisor-1", Now));

        var state = Assert.IsType<Handover.Known>(Handover.Evolve(Handover.Initial, Assert.IsType<HandoverRequested>(Assert.Single(events))));
        Assert.Equal(HandoverStatus.Requested, state.Status);
        Assert.Equal([DataCategory.Contact], state.SharedCategories);
    }

    [Fact]
    public void Given_nothing_When_an_organisation_hands_over_to_itself_Then_refused()
    {
        var request = Requested();
        Assert.Equal("handover.to-self", Refused(new Request(Id, Participant, Participant, HandoverDirection.Outbound, Uwv, Uwv, WwIntake, null, request.Reason,
            request.Summary, DueAt, DueAt.AddDays(30), null, "advisor-1", Now)));
    }

    [Fact]
    public void Given_a_request_When_accepted_with_a_first_contact_planned_Then_accepted() =>
        Assert.IsType<HandoverAccepted>(Assert.Single(When(new Accept(Id, Today.AddDays(2), Today, "uwv-1", Now), Requested())));

    [Fact]
    public void Given_a_request_When_accepted_with_a_first_contact_in_the_past_Then_refused() =>
        Assert.Equal("handover.first-contact-in-past", Refused(new Accept(Id, Today.AddDays(-1), Today, "uwv-1", Now), Requested()));

    [Fact]
    public void Given_an_accepted_handover_When_accepted_again_Then_refused() =>
        Assert.Equal("handover.not-allowed-now", Refused(new Accept(Id, Today, Today, "uwv-1", Now), Requested(), Accepted()));

    [Fact]
    public void Given_a_request_When_declined_without_an_alternative_Then_refused_no_wrong_door() =>
        Assert.Equal("handover.decline-needs-alternative", Refused(new Decline(Id, DeclineReason.NoCapacity, null, " ", "uwv-1", Now), Requested()));

    [Fact]
    public void Given_a_request_When_declined_pointing_back_at_the_same_inbox_Then_refused() =>
        Assert.Equal("handover.decline-needs-alternative", Refused(new Decline(Id, DeclineReason.NoCapacity, WwIntake, null, "uwv-1", Now), Requested()));

    [Fact]
    public void Given_a_request_When_declined_without_a_reason_Then_refused() =>
        Assert.Equal("handover.decline-reason", Refused(new Decline(Id, null, Leerwerkloket, null, "uwv-1", Now), Requested()));

    [Fact]
    public void Given_a_request_When_declined_with_a_reason_and_another_inbox_Then_declined_with_that_route()
    {
        var declined = Assert.IsType<HandoverDeclined>(Assert.Single(When(new Decline(Id, DeclineReason.WrongOrganisation, Leerwerkloket, null, "uwv-1", Now), Requested())));

        Assert.Equal(Leerwerkloket, declined.AlternativeInboxId);
    }

    [Fact]
    public void Given_an_accepted_handover_When_the_sender_withdraws_Then_refused_since_the_partner_is_responsible_now() =>
        Assert.Equal("handover.not-allowed-now", Refused(new Withdraw(Id, "advisor-1", Now), Requested(), Accepted()));

    [Fact]
    public void Given_an_accepted_handover_When_first_contact_is_confirmed_for_tomorrow_Then_refused() =>
        Assert.Equal("handover.first-contact-in-future", Refused(new ConfirmFirstContact(Id, Today.AddDays(1), Today, "uwv-1", Now), Requested(), Accepted()));

    [Fact]
    public void Given_a_request_When_closed_before_any_contact_Then_refused() =>
        Assert.Equal("handover.not-allowed-now", Refused(new Close(Id, HandoverOutcome.Placed, "uwv-1", Now), Requested()));

    [Fact]
    public void Given_a_first_contact_When_closed_with_an_outcome_Then_closed() =>
        Assert.Single(When(new Close(Id, HandoverOutcome.TrajectoryStarted, "uwv-1", Now), Requested(), Accepted(),
            new FirstContactConfirmed(Participant, Id, Today, "uwv-1", Now)));

    [Fact]
    public void Given_an_unanswered_request_When_the_service_level_timer_fires_at_the_due_moment_Then_stalled_and_escalated_to_the_sender()
    {
        var stalled = Assert.IsType<HandoverStalled>(Assert.Single(When(new MarkStalled(Id, DueAt), Requested())));

        Assert.Equal(WorkCentre, stalled.EscalatedTo);
    }

    [Fact]
    public void Given_a_stalled_request_When_the_timer_fires_again_Then_it_is_escalated_only_once() =>
        Assert.Empty(When(new MarkStalled(Id, DueAt.AddHours(1)), Requested(), new HandoverStalled(Participant, Id, WorkCentre, DueAt, DueAt)));

    [Fact]
    public void Given_a_request_accepted_on_working_day_four_When_the_service_level_timer_fires_Then_nothing() =>
        Assert.Empty(When(new MarkStalled(Id, DueAt), Requested(), Accepted()));

    [Fact]
    public void Given_an_unanswered_request_When_the_timer_fires_before_the_due_moment_Then_nothing() =>
        Assert.Empty(When(new MarkStalled(Id, DueAt.AddMinutes(-1)), Requested()));

    [Fact]
    public void Given_a_stalled_request_When_accepted_late_Then_accepted() =>
        Assert.Single(When(new Accept(Id, Today.AddDays(10), Today, "uwv-1", DueAt.AddDays(1)), Requested(), new HandoverStalled(Participant, Id, WorkCentre, DueAt, DueAt)));

    [Fact]
    public void Given_an_unanswered_request_When_the_expiry_timer_fires_Then_expired_and_it_can_be_rerouted()
    {
        var expired = Assert.IsType<HandoverExpired>(Assert.Single(When(new MarkExpired(Id, DueAt.AddDays(30)), Requested())));

        Assert.IsType<HandoverRerouted>(Assert.Single(When(new Reroute(Id, Guid.CreateVersion7(), "advisor-1", DueAt.AddDays(31)), Requested(), expired)));
    }

    [Fact]
    public void Given_an_accepted_handover_When_rerouted_Then_refused() =>
        Assert.Equal("handover.not-allowed-now", Refused(new Reroute(Id, Guid.CreateVersion7(), "advisor-1", Now), Requested(), Accepted()));
}
