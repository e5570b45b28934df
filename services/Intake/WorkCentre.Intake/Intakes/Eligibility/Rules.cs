using WorkCentre.Contracts.Intake;

namespace WorkCentre.Intake.Intakes.Eligibility;

/// <summary>An eligibility rule under a version: a pure function of the intake's benefit facts and a reference date.</summary>
public sealed record EligibilityRule(string Version, string Description, Func<IReadOnlyList<BenefitPeriod>, DateOnly, EligibilityOutcome> Evaluate);

/// <summary>
/// The eligibility rules by version. A rule's version never changes meaning: a revised rule is a new version, so a decision
/// stays reproducible from its version, its reference date and the facts.
/// </summary>
public static class Rules
{
    public const string WwUnderSixMonths2024 = "ww-under-6-months/2024-1";

    public const string OpenToAll2024 = "open-to-all/2024-1";

    private static readonly EligibilityRule[] All =
    [
        new(WwUnderSixMonths2024, "On WW for less than 6 months at the reference date (job-to-job and early re-employment routes).", WwUnderSixMonths),
        new(OpenToAll2024, "Open to everyone who had an intake (walk-in orientation, career advice).", (_, _) => EligibilityOutcome.Eligible),
    ];

    public static IEnumerable<string> Versions => All.Select(r => r.Version);

    public static EligibilityRule? Find(string version) => All.FirstOrDefault(r => r.Version == version);

    /// <summary>
    /// Eligible when a WW period covers the reference date and began less than 6 calendar months before it: started 1 January,
    /// eligible to 30 June, not on 1 July.
    /// </summary>
    public static EligibilityOutcome WwUnderSixMonths(IReadOnlyList<BenefitPeriod> benefits, DateOnly reference) =>
        benefits.Any(b => b.Type == BenefitType.Ww && b.Covers(reference) && reference < b.From.AddMonths(6))
            ? EligibilityOutcome.Eligible
            : EligibilityOutcome.NotEligible;
}
