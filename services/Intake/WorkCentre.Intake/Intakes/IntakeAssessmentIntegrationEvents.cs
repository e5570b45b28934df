using WorkCentre.Contracts.Intake;
using Contract = WorkCentre.Contracts.Intake;

namespace WorkCentre.Intake.Intakes;

/// <summary>What other services may know of an intake: codes, grades and dates. Health facts, the neighbourhood and free text never leave intake.</summary>
public static class IntakeAssessmentIntegrationEvents
{
    public static object? Map(object @event) => @event switch
    {
        // The mental-health group never reaches the clear lists (the decider keeps it in the health facts); filtered here again on purpose.
        IntakeCompleted e => new Contract.IntakeCompleted(e.IntakeId, e.ParticipantId, e.Municipality, e.ResponsibleOrganisationId, e.Employment.Status,
            e.Benefit.Type, [.. e.TargetGroups.Select(g => g.Group).Where(NotHealth)], e.Focus.Year, [.. e.FocusGroupsMet.Where(NotHealth)],
            e.DistanceToLabourMarket, e.WillingToBePlaced, e.OccurredAt),
        BenefitChangeReported e => new Contract.BenefitChanged(e.IntakeId, e.ParticipantId, e.Change, e.EffectiveOn, e.BenefitAfter, e.OccurredAt),
        EligibilityDecided e => new Contract.EligibilityDecided(e.IntakeId, e.ParticipantId, e.DecisionId, e.ProgrammeRoute, e.RuleVersion, e.ReferenceDate,
            e.Outcome, e.AlternativeRoute, e.OccurredAt),
        _ => null,
    };

    private static bool NotHealth(TargetGroup group) => group != TargetGroup.MentalHealthVulnerability;
}
