using WorkCentre.Contracts.Intake;

namespace WorkCentre.Intake.Intakes;

/// <summary>The target groups the region designated as focus groups for a year.</summary>
public sealed record FocusDesignation(int Year, IReadOnlyList<TargetGroup> Groups);

/// <summary>
/// The focus designations as data, one row per year. A designation stays in force until a later year's row replaces it,
/// so an intake in a year without a row records the latest earlier one, and says which year that was.
/// </summary>
public static class FocusDesignations
{
    // 2024 from the region's implementation plan; 2025 and 2026 carried over until the region revises them.
    private static readonly FocusDesignation[] Table =
    [
        new(2024, [TargetGroup.MentalHealthVulnerability, TargetGroup.JobsAgreement, TargetGroup.Statushouder, TargetGroup.YoungPerson]),
        new(2025, [TargetGroup.MentalHealthVulnerability, TargetGroup.JobsAgreement, TargetGroup.Statushouder, TargetGroup.YoungPerson]),
        new(2026, [TargetGroup.MentalHealthVulnerability, TargetGroup.JobsAgreement, TargetGroup.Statushouder, TargetGroup.YoungPerson]),
    ];

    /// <summary>The designation in force on <paramref name="date"/>; none (an empty list for that year) before the first row.</summary>
    public static FocusDesignation InForceOn(DateOnly date) => Table.LastOrDefault(d => d.Year <= date.Year) ?? new FocusDesignation(date.Year, []);
}
