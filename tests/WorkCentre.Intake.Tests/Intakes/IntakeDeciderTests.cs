using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Intakes;
using WorkCentre.Intake.Intakes.Eligibility;
using WorkCentre.Messaging;
using static WorkCentre.Intake.Intakes.IntakeCommand;
using EligibilityDecided = WorkCentre.Intake.Intakes.EligibilityDecided;
using IntakeCompleted = WorkCentre.Intake.Intakes.IntakeCompleted;

namespace WorkCentre.Intake.Tests.Intakes;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class IntakeDeciderTests
{
    // Wednesday 1 July 2026, 10:00 in the Netherlands.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.FromHours(2)).ToUniversalTime();
    private static readonly DateOnly Today = new(2026, 7, 1);
    private static readonly Guid Id = Guid.CreateVersion7();
    private static readonly Guid Participant = Guid.CreateVersion7();
    private static readonly Guid Haarlem = Guid.CreateVersion7();

    private static IntakeFacts Facts(BenefitSituation? benefit = null, EmploymentSituation? employment = null, string municipality = "Haarlem") => new(
        employment ?? new EmploymentSituation(EmploymentStatus.RecentlyDismissed, null, new DateOnly(2026, 5, 31)),
        benefit ?? new BenefitSituation(BenefitType.Ww, new DateOnly(2026, 6, 1)),
        EducationLevel.Mbo2, true, LanguageLevel.B1,
        [new TargetGroupMembership(TargetGroup.MentalHealthVulnerability, EstablishedBy.Documented), new TargetGroupMembership(TargetGroup.FiftyPlus, EstablishedBy.SelfDeclared),
            new TargetGroupMembership(TargetGroup.JobsAgreement, EstablishedBy.RegisterCheck)],
        ["training"], ["language", "transport"], ["logistics", "care"], ["burn-out"], 2, true, municipality, "Schalkwijk", Haarlem);

    private static Complete Completing(IntakeFacts? facts = null, DateTimeOffset? now = null) => new(Id, Participant, facts ?? Facts(), "advisor-1", now ?? Now);

    private static IntakeCompleted Completed(BenefitSituation? benefit = null) =>
        Assert.IsType<IntakeCompleted>(Assert.Single(IntakeAssessment.Decide(Completing(Facts(benefit)), IntakeAssessment.Initial)));

    private static IReadOnlyList<object> When(IntakeCommand command, params object[] given) =>
        IntakeAssessment.Decide(command, given.Aggregate(IntakeAssessment.Initial, IntakeAssessment.Evolve));

    private static string Refused(IntakeCommand command, params object[] given) =>
        Assert.Throws<DomainRuleViolationException>(() => When(command, given)).Rule;

    private static DecideEligibility Deciding(DateOnly reference, EligibilityOutcome outcome, string? alternative = null, string rule = Rules.WwUnderSixMonths2024) =>
        new(Id, Guid.CreateVersion7(), "job-to-job", rule, reference, outcome, alternative, "advisor-1", Now);

    [Fact]
    public void Given_nothing_When_completed_Then_the_health_facts_are_split_off_and_the_clear_target_groups_hold_no_health()
    {
        var completed = Completed();

        Assert.Equal([TargetGroup.JobsAgreement, TargetGroup.FiftyPlus], completed.TargetGroups.Select(g => g.Group));
        Assert.True(completed.Health!.MentalHealthVulnerability);
        Assert.Equal(["burn-out"], completed.Health.HealthBarriers);
        Assert.Equal(EstablishedBy.Documented, completed.Health.MentalHealthEstablishedBy);
    }

    [Fact]
    public void Given_an_intake_in_2026_When_completed_Then_the_2026_focus_designation_is_recorded_with_the_focus_groups_met_without_health()
    {
        var completed = Completed();

        Assert.Equal(2026, completed.Focus.Year);
        Assert.Contains(TargetGroup.MentalHealthVulnerability, completed.Focus.Groups);
        Assert.Equal([TargetGroup.JobsAgreement], completed.FocusGroupsMet);
    }

    [Theory]
    [InlineData(2024, 1, 1, 2024)]
    [InlineData(2025, 12, 31, 2025)]
    [InlineData(2031, 3, 1, 2026)]
    public void Given_the_event_year_When_the_focus_designation_is_looked_up_Then_the_one_in_force_that_day_counts(int year, int month, int day, int inForce)
    {
        var designation = FocusDesignations.InForceOn(new DateOnly(year, month, day));

        Assert.Equal(inForce, designation.Year);
        Assert.Equal([TargetGroup.MentalHealthVulnerability, TargetGroup.JobsAgreement, TargetGroup.Statushouder, TargetGroup.YoungPerson], designation.Groups);
    }

    [Fact]
    public void Given_a_year_before_the_first_designation_When_looked_up_Then_no_focus_groups()
    {
        Assert.Empty(FocusDesignations.InForceOn(new DateOnly(2023, 12, 31)).Groups);
    }

    [Fact]
    public void Given_new_years_eve_late_in_utc_When_completed_Then_the_dutch_date_decides_the_designation_year()
    {
        // 31 December 2024, 23:30 UTC is already 1 January 2025 in the Netherlands.
        var now = new DateTimeOffset(2024, 12, 31, 23, 30, 0, TimeSpan.Zero);
        var facts = Facts(new BenefitSituation(BenefitType.Ww, new DateOnly(2024, 12, 1)), new EmploymentSituation(EmploymentStatus.Unemployed, null, new DateOnly(2024, 12, 1)));

        var completed = Assert.IsType<IntakeCompleted>(Assert.Single(When(Completing(facts, now))));

        Assert.Equal(2025, completed.Focus.Year);
    }

    [Fact]
    public void Given_no_municipality_When_completed_Then_refused() =>
        Assert.Equal("intake.municipality-required", Refused(Completing(Facts(municipality: " "))));

    [Fact]
    public void Given_ww_without_a_start_date_When_completed_Then_refused() =>
        Assert.Equal("intake.ww-start-required", Refused(Completing(Facts(new BenefitSituation(BenefitType.Ww, null)))));

    [Fact]
    public void Given_employed_at_risk_without_a_basis_When_completed_Then_refused() =>
        Assert.Equal("intake.risk-basis-required",
            Refused(Completing(Facts(employment: new EmploymentSituation(EmploymentStatus.EmployedAtRisk, null, new DateOnly(2026, 3, 1))))));

    [Fact]
    public void Given_a_risk_basis_for_someone_unemployed_When_completed_Then_refused() =>
        Assert.Equal("intake.risk-basis-only-at-risk", Refused(Completing(Facts(employment:
            new EmploymentSituation(EmploymentStatus.Unemployed, EmploymentRiskBasis.Reorganisation, new DateOnly(2026, 3, 1))))));

    [Fact]
    public void Given_a_status_dated_tomorrow_When_completed_Then_refused() =>
        Assert.Equal("intake.date-in-future",
            Refused(Completing(Facts(employment: new EmploymentSituation(EmploymentStatus.Unemployed, null, Today.AddDays(1))))));

    [Fact]
    public void Given_a_distance_grade_outside_one_to_five_When_completed_Then_refused() =>
        Assert.Equal("intake.distance-grade", Refused(Completing(Facts() with { DistanceToLabourMarket = 6 })));

    [Fact]
    public void Given_a_completed_intake_When_completed_again_Then_refused() =>
        Assert.Equal("intake.already-completed", Refused(Completing(), Completed()));

    [Fact]
    public void Given_nothing_When_a_benefit_change_is_reported_Then_refused_as_unknown() =>
        Assert.Equal("intake.unknown", Refused(new ReportBenefitChange(Id, BenefitChangeKind.WwEnded, Today, "uwv", "uwv-1", Now)));

    [Fact]
    public void Given_ww_running_When_its_end_is_reported_back_dated_Then_recorded_and_the_person_is_on_no_benefit()
    {
        var events = When(new ReportBenefitChange(Id, BenefitChangeKind.WwEnded, Today.AddDays(-10), "uwv", "uwv-1", Now), Completed());

        var reported = Assert.IsType<BenefitChangeReported>(Assert.Single(events));
        Assert.Equal(BenefitType.None, reported.BenefitAfter);
        var state = Assert.IsType<IntakeAssessment.Completed>(new object[] { Completed(), reported }.Aggregate(IntakeAssessment.Initial, IntakeAssessment.Evolve));
        Assert.Equal(new BenefitPeriod(BenefitType.Ww, new DateOnly(2026, 6, 1), Today.AddDays(-10)), Assert.Single(state.Benefits));
    }

    [Fact]
    public void Given_an_intake_When_a_benefit_change_takes_effect_tomorrow_Then_refused() =>
        Assert.Equal("intake.benefit-change-in-future",
            Refused(new ReportBenefitChange(Id, BenefitChangeKind.BijstandStarted, Today.AddDays(1), "haarlem", "advisor-1", Now), Completed()));

    [Fact]
    public void Given_ww_running_When_ww_is_reported_started_again_Then_refused() =>
        Assert.Equal("intake.benefit-already-running",
            Refused(new ReportBenefitChange(Id, BenefitChangeKind.WwStarted, Today, "uwv", "uwv-1", Now), Completed()));

    [Fact]
    public void Given_no_bijstand_When_its_end_is_reported_Then_refused() =>
        Assert.Equal("intake.benefit-not-running",
            Refused(new ReportBenefitChange(Id, BenefitChangeKind.BijstandEnded, Today, "haarlem", "advisor-1", Now), Completed()));

    [Fact]
    public void Given_ww_from_1_june_When_its_end_is_reported_on_31_may_Then_refused() =>
        Assert.Equal("intake.benefit-ends-before-start",
            Refused(new ReportBenefitChange(Id, BenefitChangeKind.WwEnded, new DateOnly(2026, 5, 31), "uwv", "uwv-1", Now), Completed()));

    [Fact]
    public void Given_ww_for_a_month_When_eligibility_is_decided_eligible_Then_the_rule_and_its_version_are_recorded()
    {
        var decided = Assert.IsType<EligibilityDecided>(Assert.Single(When(Deciding(Today, EligibilityOutcome.Eligible), Completed())));

        Assert.Equal(EligibilityOutcome.Eligible, decided.Outcome);
        Assert.Equal(Rules.WwUnderSixMonths2024, decided.RuleVersion);
        Assert.Equal(Today, decided.ReferenceDate);
    }

    [Fact]
    public void Given_the_rule_computes_not_eligible_When_the_advisor_decides_eligible_Then_refused_as_contradicting_the_rule() =>
        Assert.Equal("eligibility.contradicts-rule",
            Refused(Deciding(new DateOnly(2026, 12, 1), EligibilityOutcome.Eligible), Completed()));

    [Fact]
    public void Given_the_rule_computes_eligible_When_the_advisor_refuses_Then_refused_as_contradicting_the_rule() =>
        Assert.Equal("eligibility.contradicts-rule", Refused(Deciding(Today, EligibilityOutcome.NotEligible, "walk-in orientation"), Completed()));

    [Fact]
    public void Given_a_refusal_without_an_alternative_route_When_decided_Then_refused_no_dead_end() =>
        Assert.Equal("eligibility.refusal-needs-route", Refused(Deciding(new DateOnly(2026, 12, 1), EligibilityOutcome.NotEligible, " "), Completed()));

    [Fact]
    public void Given_a_refusal_with_an_alternative_route_When_decided_Then_recorded()
    {
        var decided = Assert.IsType<EligibilityDecided>(Assert.Single(When(Deciding(new DateOnly(2026, 12, 1), EligibilityOutcome.NotEligible, "leerwerkloket"), Completed())));

        Assert.Equal(("leerwerkloket", EligibilityOutcome.NotEligible), (decided.AlternativeRoute, decided.Outcome));
    }

    [Fact]
    public void Given_an_unknown_rule_version_When_decided_Then_refused() =>
        Assert.Equal("eligibility.rule-unknown", Refused(Deciding(Today, EligibilityOutcome.Eligible, rule: "ww-under-6-months/2019-1"), Completed()));

    [Fact]
    public void Given_ww_that_ended_When_a_later_reference_date_is_decided_Then_not_eligible_from_the_benefit_facts()
    {
        var ended = new BenefitChangeReported(Participant, Id, BenefitChangeKind.WwEnded, new DateOnly(2026, 6, 20), BenefitType.None, "uwv", "uwv-1", Now);

        Assert.Equal("eligibility.contradicts-rule", Refused(Deciding(new DateOnly(2026, 6, 25), EligibilityOutcome.Eligible), Completed(), ended));
    }
}
