using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Intakes;
using WorkCentre.Intake.Intakes.Eligibility;

namespace WorkCentre.Intake.Tests.Intakes;

public sealed class EligibilityRulesTests
{
    private static EligibilityOutcome OnWwSince(DateOnly from, DateOnly reference, DateOnly? to = null) =>
        Rules.WwUnderSixMonths([new BenefitPeriod(BenefitType.Ww, from, to)], reference);

    [Fact]
    public void Given_ww_from_1_december_When_the_reference_date_is_5_months_and_30_days_later_Then_eligible() =>
        // 1 December + 5 months = 1 May, + 30 days = 31 May: still under 6 months.
        Assert.Equal(EligibilityOutcome.Eligible, OnWwSince(new DateOnly(2025, 12, 1), new DateOnly(2026, 5, 31)));

    [Fact]
    public void Given_ww_from_1_december_When_the_reference_date_is_exactly_6_months_later_Then_not_eligible() =>
        Assert.Equal(EligibilityOutcome.NotEligible, OnWwSince(new DateOnly(2025, 12, 1), new DateOnly(2026, 6, 1)));

    [Fact]
    public void Given_ww_from_31_august_When_the_reference_date_is_28_february_Then_six_months_are_reached_at_the_month_end() =>
        Assert.Equal(EligibilityOutcome.NotEligible, OnWwSince(new DateOnly(2025, 8, 31), new DateOnly(2026, 2, 28)));

    [Fact]
    public void Given_ww_starting_after_the_reference_date_When_evaluated_Then_not_eligible() =>
        Assert.Equal(EligibilityOutcome.NotEligible, OnWwSince(new DateOnly(2026, 6, 1), new DateOnly(2026, 5, 31)));

    [Fact]
    public void Given_ww_that_ended_on_the_reference_date_When_evaluated_Then_not_eligible() =>
        Assert.Equal(EligibilityOutcome.NotEligible, OnWwSince(new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 1), to: new DateOnly(2026, 4, 1)));

    [Fact]
    public void Given_bijstand_only_When_evaluated_Then_not_eligible() =>
        Assert.Equal(EligibilityOutcome.NotEligible, Rules.WwUnderSixMonths([new BenefitPeriod(BenefitType.Bijstand, new DateOnly(2026, 3, 1), null)], new DateOnly(2026, 4, 1)));

    [Fact]
    public void Given_the_known_versions_When_looked_up_Then_each_is_found_and_an_unknown_one_is_not()
    {
        Assert.All(Rules.Versions, v => Assert.Equal(v, Rules.Find(v)!.Version));
        Assert.Null(Rules.Find("ww-under-6-months/2099-1"));
    }
}
