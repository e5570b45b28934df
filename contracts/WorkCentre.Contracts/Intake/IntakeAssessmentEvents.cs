using MassTransit;

namespace WorkCentre.Contracts.Intake;

// Non-identifying only: no health facts (the mental-health target group included), no neighbourhood, no free text.

/// <summary>
/// An intake was completed. <c>targetGroups</c> and <c>focusGroupsMet</c> leave out the mental-health target group;
/// <c>focusYear</c> names the year whose focus designation was in force on <c>occurredAt</c>.
/// </summary>
[MessageUrn("workcentre:intake:intake-completed:v1")]
public sealed record IntakeCompleted(
    Guid IntakeId, Guid ParticipantId, string Municipality, Guid ResponsibleOrganisationId, EmploymentStatus EmploymentStatus, BenefitType Benefit,
    IReadOnlyList<TargetGroup> TargetGroups, int FocusYear, IReadOnlyList<TargetGroup> FocusGroupsMet, int DistanceToLabourMarket, bool WillingToBePlaced,
    DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>A benefit started or ended on <c>effectiveOn</c> (possibly back-dated); <c>currentBenefit</c> is what the person lives on after it.</summary>
[MessageUrn("workcentre:intake:benefit-changed:v1")]
public sealed record BenefitChanged(
    Guid IntakeId, Guid ParticipantId, BenefitChangeKind Change, DateOnly EffectiveOn, BenefitType CurrentBenefit, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>An eligibility decision for a programme route under a versioned rule at a reference date; a refusal names the alternative route.</summary>
[MessageUrn("workcentre:intake:eligibility-decided:v1")]
public sealed record EligibilityDecided(
    Guid IntakeId, Guid ParticipantId, Guid DecisionId, string ProgrammeRoute, string RuleVersion, DateOnly ReferenceDate, EligibilityOutcome Outcome,
    string? AlternativeRoute, DateTimeOffset OccurredAt) : IIntegrationEvent;
