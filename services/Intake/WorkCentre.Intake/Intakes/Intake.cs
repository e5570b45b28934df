using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Intake.Calendar;
using WorkCentre.Intake.Intakes.Eligibility;
using WorkCentre.Messaging;
using WorkCentre.Privacy;

namespace WorkCentre.Intake.Intakes;

public enum EducationLevel { None, Primary, Vmbo, Mbo1, Mbo2, Mbo3, Mbo4, Havo, Vwo, Hbo, Wo }

/// <summary>Dutch language level on the CEFR scale; A0 is no Dutch yet.</summary>
public enum LanguageLevel { A0, A1, A2, B1, B2, C1, C2 }

/// <summary>How a target group was established: the participant said so, a document showed it, or a register was checked.</summary>
public enum EstablishedBy { SelfDeclared, Documented, RegisterCheck }

/// <summary>A dated, graded employment status; <see cref="Basis"/> says why an employed person is at risk.</summary>
public sealed record EmploymentSituation(EmploymentStatus Status, EmploymentRiskBasis? Basis, DateOnly Since);

/// <summary>The benefit at intake; <see cref="Since"/> is required for WW, whose duration decides eligibility.</summary>
public sealed record BenefitSituation(BenefitType Type, DateOnly? Since);

public sealed record TargetGroupMembership(TargetGroup Group, EstablishedBy EstablishedBy);

/// <summary>Special-category data: stored encrypted as one value, never on the bus, never in reports.</summary>
public sealed record HealthFacts(bool MentalHealthVulnerability, EstablishedBy? MentalHealthEstablishedBy, IReadOnlyList<string> HealthBarriers);

/// <summary>A benefit from the day it took effect to the day it ended (not on it from <see cref="To"/>), or still running.</summary>
public sealed record BenefitPeriod(BenefitType Type, DateOnly From, DateOnly? To)
{
    public bool Covers(DateOnly date) => From <= date && (To is null || date < To);
}

/// <summary>What the advisor records at intake. Target groups may include the mental-health one; the decider moves it to the health facts.</summary>
public sealed record IntakeFacts(
    EmploymentSituation Employment, BenefitSituation Benefit, EducationLevel EducationLevel, bool BasicQualification, LanguageLevel DutchLevel,
    IReadOnlyList<TargetGroupMembership> TargetGroups, IReadOnlyList<string> Needs, IReadOnlyList<string> Barriers, IReadOnlyList<string> PreferredSectors,
    IReadOnlyList<string> HealthBarriers, int DistanceToLabourMarket, bool WillingToBePlaced, string Municipality, string? Neighbourhood,
    Guid ResponsibleOrganisationId);

/// <summary>
/// An intake: the person's situation as the advisor found it. <see cref="TargetGroups"/> holds the non-health groups in clear;
/// the mental-health group and health barriers are in <see cref="Health"/>, encrypted. <see cref="Focus"/> is the designation in
/// force on the event date, so reports stay reproducible when the region designates other groups later.
/// </summary>
public sealed record IntakeCompleted(
    Guid IntakeId,
    [property: DataSubjectId] Guid ParticipantId,
    EmploymentSituation Employment,
    BenefitSituation Benefit,
    EducationLevel EducationLevel,
    bool BasicQualification,
    LanguageLevel DutchLevel,
    IReadOnlyList<TargetGroupMembership> TargetGroups,
    FocusDesignation Focus,
    IReadOnlyList<TargetGroup> FocusGroupsMet,
    IReadOnlyList<string> Needs,
    IReadOnlyList<string> Barriers,
    IReadOnlyList<string> PreferredSectors,
    int DistanceToLabourMarket,
    bool WillingToBePlaced,
    string Municipality,
    [property: PersonalData] string? Neighbourhood,
    Guid ResponsibleOrganisationId,
    [property: PersonalData] HealthFacts? Health,
    string CompletedBy,
    DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>
/// A benefit started or ended on <see cref="EffectiveOn"/>, reported late or on time; <see cref="ReportedFor"/> is the reporter's
/// organisation (the fact's source) and <see cref="BenefitAfter"/> what the person lives on once it took effect.
/// </summary>
public sealed record BenefitChangeReported(
    [property: DataSubjectId] Guid ParticipantId, Guid IntakeId, BenefitChangeKind Change, DateOnly EffectiveOn, BenefitType BenefitAfter, string? ReportedFor,
    string ReportedBy, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>A dated decision under a versioned rule; the outcome is the one the rule computed, and a refusal names another route.</summary>
public sealed record EligibilityDecided(
    [property: DataSubjectId] Guid ParticipantId, Guid IntakeId, Guid DecisionId, string ProgrammeRoute, string RuleVersion, DateOnly ReferenceDate,
    EligibilityOutcome Outcome, string? AlternativeRoute, string DecidedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public abstract record IntakeCommand(Guid IntakeId, string Actor, DateTimeOffset Now)
{
    public sealed record Complete(Guid IntakeId, Guid ParticipantId, IntakeFacts Facts, string Actor, DateTimeOffset Now) : IntakeCommand(IntakeId, Actor, Now);

    public sealed record ReportBenefitChange(Guid IntakeId, BenefitChangeKind Change, DateOnly EffectiveOn, string? ReportedFor, string Actor, DateTimeOffset Now)
        : IntakeCommand(IntakeId, Actor, Now);

    public sealed record DecideEligibility(
        Guid IntakeId, Guid DecisionId, string ProgrammeRoute, string RuleVersion, DateOnly ReferenceDate, EligibilityOutcome Outcome, string? AlternativeRoute,
        string Actor, DateTimeOffset Now) : IntakeCommand(IntakeId, Actor, Now);
}

/// <summary>
/// The intake decider: pure functions over a closed set of states. One stream per intake (a person may come back for a new
/// intake later); benefit changes and eligibility decisions land on the intake they were decided from.
/// </summary>
public abstract record IntakeAssessment
{
    public const string StreamType = "intake.intake";

    private IntakeAssessment()
    {
    }

    public sealed record None : IntakeAssessment;

    public sealed record Completed(IntakeCompleted Intake, IReadOnlyList<BenefitPeriod> Benefits, IReadOnlyList<EligibilityDecided> Decisions) : IntakeAssessment
    {
        public Guid IntakeId => Intake.IntakeId;

        public Guid ParticipantId => Intake.ParticipantId;

        /// <summary>What the person lives on now: the latest benefit still running, or none.</summary>
        public BenefitType CurrentBenefit => CurrentOf(Benefits);
    }

    public static readonly IntakeAssessment Initial = new None();

    public static readonly Decider<IntakeAssessment, IntakeCommand> Decider = new(StreamType, Initial, Evolve, Decide, s => s is Completed);

    public static IntakeAssessment Evolve(IntakeAssessment state, object @event) => (state, @event) switch
    {
        (None, IntakeCompleted e) => new Completed(e,
            e.Benefit is { Type: not BenefitType.None, Since: { } since } ? [new BenefitPeriod(e.Benefit.Type, since, null)] : [], []),
        (Completed c, BenefitChangeReported e) => c with { Benefits = Apply(c.Benefits, e.Change, e.EffectiveOn) },
        (Completed c, EligibilityDecided e) => c with { Decisions = [.. c.Decisions, e] },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(IntakeCommand command, IntakeAssessment state) => (command, state) switch
    {
        (IntakeCommand.Complete c, None) => Complete(c),
        (IntakeCommand.Complete c, Completed) => throw Violation("intake.already-completed", $"Intake {c.IntakeId} was completed already; report changes instead."),
        (_, None) => throw Violation("intake.unknown", $"No intake {command.IntakeId} was completed."),
        (IntakeCommand.ReportBenefitChange c, Completed i) => ReportBenefitChange(c, i),
        (IntakeCommand.DecideEligibility c, Completed i) => DecideEligibility(c, i),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not an intake command"),
    };

    private static IReadOnlyList<object> Complete(IntakeCommand.Complete c)
    {
        var f = c.Facts;
        var today = DutchTime.Today(c.Now);
        if (string.IsNullOrWhiteSpace(f.Municipality))
        {
            throw Violation("intake.municipality-required", "An intake names the municipality the person lives in.");
        }
        if (f.Employment.Status == EmploymentStatus.EmployedAtRisk && f.Employment.Basis is null)
        {
            throw Violation("intake.risk-basis-required", "Employed at risk says why: reorganisation, shrinking occupation or dismissal announced.");
        }
        if (f.Employment.Status != EmploymentStatus.EmployedAtRisk && f.Employment.Basis is not null)
        {
            throw Violation("intake.risk-basis-only-at-risk", "A risk basis belongs to the status employed at risk.");
        }
        if (f.Benefit.Type == BenefitType.Ww && f.Benefit.Since is null)
        {
            throw Violation("intake.ww-start-required", "WW is recorded with the date it started: its duration decides eligibility.");
        }
        if (f.Employment.Since > today || f.Benefit.Since > today)
        {
            throw Violation("intake.date-in-future", "The employment status and the benefit are dated today or earlier.");
        }
        if (f.DistanceToLabourMarket is < 1 or > 5)
        {
            throw Violation("intake.distance-grade", "The distance to the labour market is graded 1 (ready to work) to 5 (far).");
        }
        var groups = f.TargetGroups.DistinctBy(g => g.Group).OrderBy(g => g.Group).ToList();
        var mentalHealth = groups.FirstOrDefault(g => g.Group == TargetGroup.MentalHealthVulnerability);
        var clear = groups.Where(g => g.Group != TargetGroup.MentalHealthVulnerability).ToList();
        var focus = FocusDesignations.InForceOn(today);
        var health = new HealthFacts(mentalHealth is not null, mentalHealth?.EstablishedBy, Codes(f.HealthBarriers));
        var benefit = f.Benefit.Type == BenefitType.None ? f.Benefit with { Since = null } : f.Benefit;
        return [new IntakeCompleted(c.IntakeId, c.ParticipantId, f.Employment, benefit, f.EducationLevel, f.BasicQualification, f.DutchLevel, clear, focus,
            [.. clear.Select(g => g.Group).Where(focus.Groups.Contains)], Codes(f.Needs), Codes(f.Barriers), Codes(f.PreferredSectors),
            f.DistanceToLabourMarket, f.WillingToBePlaced, f.Municipality.Trim(), string.IsNullOrWhiteSpace(f.Neighbourhood) ? null : f.Neighbourhood.Trim(),
            f.ResponsibleOrganisationId, health, c.Actor, c.Now)];
    }

    private static IReadOnlyList<object> ReportBenefitChange(IntakeCommand.ReportBenefitChange c, Completed i)
    {
        if (c.EffectiveOn > DutchTime.Today(c.Now))
        {
            throw Violation("intake.benefit-change-in-future", "A benefit change is reported once it has taken effect: today or earlier.");
        }
        var (type, starts) = Of(c.Change);
        var running = i.Benefits.LastOrDefault(b => b.Type == type && b.To is null);
        if (starts && running is not null)
        {
            throw Violation("intake.benefit-already-running", $"{type} is running since {running.From:yyyy-MM-dd}; report its end first.");
        }
        if (!starts && running is null)
        {
            throw Violation("intake.benefit-not-running", $"No {type} is running to end.");
        }
        if (!starts && c.EffectiveOn < running!.From)
        {
            throw Violation("intake.benefit-ends-before-start", $"{type} started on {running.From:yyyy-MM-dd}; it cannot end before.");
        }
        return [new BenefitChangeReported(i.ParticipantId, i.IntakeId, c.Change, c.EffectiveOn, CurrentOf(Apply(i.Benefits, c.Change, c.EffectiveOn)),
            c.ReportedFor, c.Actor, c.Now)];
    }

    private static IReadOnlyList<object> DecideEligibility(IntakeCommand.DecideEligibility c, Completed i)
    {
        if (string.IsNullOrWhiteSpace(c.ProgrammeRoute))
        {
            throw Violation("eligibility.route-required", "A decision names the programme route it is about.");
        }
        var rule = Rules.Find(c.RuleVersion) ?? throw Violation("eligibility.rule-unknown", $"No eligibility rule '{c.RuleVersion}'; known: {string.Join(", ", Rules.Versions)}.");
        var computed = rule.Evaluate(i.Benefits, c.ReferenceDate);
        // The advisor records the decision; the rule makes it.
        if (c.Outcome != computed)
        {
            throw Violation("eligibility.contradicts-rule", $"Rule {rule.Version} computes {computed} at {c.ReferenceDate:yyyy-MM-dd} from the intake's benefit facts.");
        }
        // No wrong door: a refusal says where the person can go instead.
        if (computed == EligibilityOutcome.NotEligible && string.IsNullOrWhiteSpace(c.AlternativeRoute))
        {
            throw Violation("eligibility.refusal-needs-route", "A refusal names an alternative route for the person.");
        }
        return [new EligibilityDecided(i.ParticipantId, i.IntakeId, c.DecisionId, c.ProgrammeRoute.Trim(), rule.Version, c.ReferenceDate, computed,
            string.IsNullOrWhiteSpace(c.AlternativeRoute) ? null : c.AlternativeRoute.Trim(), c.Actor, c.Now)];
    }

    private static IReadOnlyList<BenefitPeriod> Apply(IReadOnlyList<BenefitPeriod> benefits, BenefitChangeKind change, DateOnly on)
    {
        var (type, starts) = Of(change);
        if (starts)
        {
            return [.. benefits, new BenefitPeriod(type, on, null)];
        }
        var running = benefits.LastOrDefault(b => b.Type == type && b.To is null);
        return running is null ? benefits : [.. benefits.Select(b => ReferenceEquals(b, running) ? b with { To = on } : b)];
    }

    private static BenefitType CurrentOf(IReadOnlyList<BenefitPeriod> benefits) => benefits.LastOrDefault(b => b.To is null)?.Type ?? BenefitType.None;

    public static (BenefitType Type, bool Starts) Of(BenefitChangeKind change) => change switch
    {
        BenefitChangeKind.WwStarted => (BenefitType.Ww, true),
        BenefitChangeKind.WwEnded => (BenefitType.Ww, false),
        BenefitChangeKind.BijstandStarted => (BenefitType.Bijstand, true),
        BenefitChangeKind.BijstandEnded => (BenefitType.Bijstand, false),
        BenefitChangeKind.WiaWajongStarted => (BenefitType.WiaWajong, true),
        BenefitChangeKind.WiaWajongEnded => (BenefitType.WiaWajong, false),
        _ => throw new ArgumentOutOfRangeException(nameof(change), change, "not a benefit change"),
    };

    private static string[] Codes(IReadOnlyList<string> codes) => [.. codes.Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).Distinct().Order()];

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

public static class IntakeAssessmentEvents
{
    public static EventTypeRegistry MapIntakeAssessmentEvents(this EventTypeRegistry events) => events
        .Map<IntakeCompleted>("intake.intake_completed.v1")
        .Map<BenefitChangeReported>("intake.benefit_change_reported.v1")
        .Map<EligibilityDecided>("intake.eligibility_decided.v1");
}
