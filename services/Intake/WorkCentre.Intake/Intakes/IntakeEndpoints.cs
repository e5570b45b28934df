using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Intake.Organisations;
using WorkCentre.Intake.Participants;
using WorkCentre.Messaging;
using WorkCentre.Privacy;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Intakes;

// Every field is optional for the JSON binder so that validation can name all missing fields at once.
public sealed record EmploymentRequest(EmploymentStatus? Status = null, EmploymentRiskBasis? Basis = null, DateOnly? Since = null);

public sealed record BenefitRequest(BenefitType? Type = null, DateOnly? Since = null);

public sealed record TargetGroupRequest(TargetGroup? Group = null, EstablishedBy? EstablishedBy = null);

public sealed record CompleteIntakeRequest(
    Guid? ParticipantId = null, EmploymentRequest? Employment = null, BenefitRequest? Benefit = null, EducationLevel? EducationLevel = null,
    bool? BasicQualification = null, LanguageLevel? DutchLevel = null, IReadOnlyList<TargetGroupRequest>? TargetGroups = null,
    IReadOnlyList<string>? Needs = null, IReadOnlyList<string>? Barriers = null, IReadOnlyList<string>? PreferredSectors = null,
    IReadOnlyList<string>? HealthBarriers = null, int? DistanceToLabourMarket = null, bool? WillingToBePlaced = null, string? Municipality = null,
    string? Neighbourhood = null, Guid? ResponsibleOrganisationId = null);

public sealed record ReportBenefitChangeRequest(BenefitChangeKind? Change = null, DateOnly? EffectiveOn = null);

public sealed record DecideEligibilityRequest(
    string? ProgrammeRoute = null, string? RuleVersion = null, DateOnly? ReferenceDate = null, EligibilityOutcome? Outcome = null, string? AlternativeRoute = null);

public sealed record EligibilityDecisionView(
    Guid DecisionId, string ProgrammeRoute, string RuleVersion, DateOnly ReferenceDate, EligibilityOutcome Outcome, string? AlternativeRoute, string DecidedBy,
    DateTimeOffset DecidedAt);

/// <summary>What a command answers: no personal data, so UWV staff reporting a benefit change learn nothing else about the person.</summary>
public sealed record IntakeSummaryView(
    Guid IntakeId, Guid ParticipantId, DateTimeOffset CompletedAt, BenefitType CurrentBenefit, IReadOnlyList<BenefitPeriod> Benefits,
    IReadOnlyList<EligibilityDecisionView> EligibilityDecisions);

/// <summary>The whole intake, read for a stated purpose and audited; <c>health</c> and <c>neighbourhood</c> are null once the person is erased.</summary>
public sealed record IntakeView(
    Guid IntakeId, Guid ParticipantId, DateTimeOffset CompletedAt, string CompletedBy, EmploymentSituation Employment, BenefitSituation BenefitAtIntake,
    BenefitType CurrentBenefit, IReadOnlyList<BenefitPeriod> Benefits, EducationLevel EducationLevel, bool BasicQualification, LanguageLevel DutchLevel,
    IReadOnlyList<TargetGroupMembership> TargetGroups, FocusDesignation Focus, IReadOnlyList<TargetGroup> FocusGroupsMet, IReadOnlyList<string> Needs,
    IReadOnlyList<string> Barriers, IReadOnlyList<string> PreferredSectors, int DistanceToLabourMarket, bool WillingToBePlaced, string Municipality,
    string? Neighbourhood, Guid ResponsibleOrganisationId, HealthFacts? Health, IReadOnlyList<EligibilityDecisionView> EligibilityDecisions);

/// <summary>
/// The intake and what follows from it: complete it (never gated by target group or eligibility), UWV reporting benefit
/// changes, eligibility decided under a versioned rule, and the audited read.
/// </summary>
public static class IntakeEndpoints
{
    public const int MaxCodes = 20;
    public const int MaxCodeLength = 40;
    public const int MaxTextLength = 200;

    /// <summary>The benefit agency's code in the directory: its staff report benefit changes.</summary>
    public const string Uwv = "uwv";

    public static RouteGroupBuilder MapIntakes(this RouteGroupBuilder group)
    {
        group.MapPost("/", CompleteAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithIdempotency()
            .WithName("CompleteIntake")
            .WithSummary("Completes an intake: employment situation, benefit, education, Dutch level, target groups, needs, distance to work, responsible organisation.")
            .WithDescription(
                "Never refused for a target group or eligibility: everyone is helped or handed on. The mental-health target group and " +
                "`healthBarriers` are stored encrypted and never published. The focus designation in force on the day is recorded with the intake.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithResponseDescription(StatusCodes.Status400BadRequest, "A field is missing or invalid; `errors` names it.")
            .WithResponseDescription(StatusCodes.Status422UnprocessableEntity,
                "An intake rule refuses it (`rule` names it): unknown participant, responsible organisation not a municipality or UWV, risk basis, WW start date.")
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The intake's URL, `/intakes/{intakeId}`.");
        group.MapGet("/{intakeId:guid}", GetAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithReadPurpose()
            .WithName("GetIntake")
            .WithSummary("Reads an intake, health facts included, for a stated purpose; the read is recorded.")
            .WithDescription("Recorded like a participant read (`GET /participants/{participantId}/reads` lists it) before anything is returned.")
            .WithResponseDescription(StatusCodes.Status400BadRequest, "`purpose` is missing, blank or longer than 200 characters.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No intake with this id.")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The intake's version, for `If-Match`.");
        group.MapPost("/{intakeId:guid}/benefit-changes", ReportBenefitChangeAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("ReportBenefitChange")
            .WithSummary("Reports a benefit that started or ended (WW, bijstand, WIA/Wajong) with the date it took effect: today or earlier, back-dating allowed.")
            .WithDescription("Reported by UWV staff (partner of organisation `uwv`), an advisor or an admin; staff of other partners are told the intake does not exist.")
            .WithResponseDescription(StatusCodes.Status400BadRequest, "`change` or `effectiveOn` is missing or unknown.")
            .WithStreamCommand("intake");
        group.MapPost("/{intakeId:guid}/eligibility-decisions", DecideEligibilityAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("DecideEligibility")
            .WithSummary("Decides eligibility for a programme route under a versioned rule at a reference date; a refusal names an alternative route.")
            .WithDescription(
                "The rule computes the outcome from the intake's benefit facts; an `outcome` that contradicts it is refused " +
                "(`eligibility.contradicts-rule`), as is a refusal without `alternativeRoute` (`eligibility.refusal-needs-route`). " +
                $"Rules: `{Eligibility.Rules.WwUnderSixMonths2024}`, `{Eligibility.Rules.OpenToAll2024}`.")
            .WithResponseDescription(StatusCodes.Status400BadRequest, "A field is missing, unknown or too long; `errors` names it.")
            .WithStreamCommand("intake");
        return group;
    }

    private static async Task<Results<Created<IntakeSummaryView>, ValidationProblem, ProblemHttpResult>> CompleteAsync(
        CompleteIntakeRequest request, ClaimsPrincipal user, EventStore.EventStore store, OrganisationDirectory directory, TimeProvider time, CancellationToken ct)
    {
        var validation = Validate(request);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        if (!await store.ParticipantExistsAsync(request.ParticipantId!.Value, ct))
        {
            return Problems.RuleViolated("intake.participant-unknown", $"No participant {request.ParticipantId} is registered.");
        }
        // Funding follows the responsible organisation: a municipality or UWV, as the directory knows it.
        if (await directory.GetAsync(request.ResponsibleOrganisationId!.Value, ct) is not { Active: true, Type: OrganisationType.Municipality or OrganisationType.Uwv })
        {
            return Problems.RuleViolated("intake.responsible-organisation", "The responsible organisation is an active municipality or UWV in the directory.");
        }
        var intakeId = Guid.CreateVersion7();
        var command = new IntakeCommand.Complete(intakeId, request.ParticipantId.Value, Facts(request), user.ActorOf(), time.GetUtcNow());
        IReadOnlyList<object> events;
        try
        {
            events = IntakeAssessment.Decide(command, IntakeAssessment.Initial);
        }
        catch (DomainRuleViolationException violation)
        {
            return Problems.RuleViolated(violation.Rule, violation.Message);
        }
        var metadata = new EventMetadata { Actor = command.Actor, CorrelationId = command.ParticipantId.ToString() };
        await store.OpenSession(metadata).StartStream(IntakeAssessment.StreamType, intakeId, events).SaveChangesAsync(ct);
        var state = events.Aggregate(IntakeAssessment.Initial, IntakeAssessment.Evolve);
        return TypedResults.Created($"/intakes/{intakeId}", Summary(state));
    }

    private static async Task<Results<Ok<IntakeView>, ValidationProblem, NotFound>> GetAsync(
        Guid intakeId, [FromQuery(Name = ReadPurpose.Parameter)] string purpose, ClaimsPrincipal user, EventStore.EventStore store, PersonalDataReads reads,
        HttpContext http, CancellationToken ct)
    {
        var validation = new Validation().Purpose(purpose);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var (state, version) = await store.FetchForWritingAsync(intakeId, IntakeAssessment.Initial, IntakeAssessment.Evolve, ct);
        if (state is not IntakeAssessment.Completed intake)
        {
            return TypedResults.NotFound();
        }
        // Recorded before anything is returned: a read the audit could not take fails instead of going unrecorded.
        await reads.RecordAsync(intake.ParticipantId, user.ActorOf(), user.OrganisationOf(), purpose.Trim(), ct);
        http.Response.Headers.ETag = ETags.Of(version);
        return TypedResults.Ok(View(intake));
    }

    private static async Task<Results<Ok<IntakeSummaryView>, NotFound, ProblemHttpResult, ValidationProblem>> ReportBenefitChangeAsync(
        Guid intakeId, ReportBenefitChangeRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var validation = new Validation()
            .Check(request.Change is not null, "change", "The change is required, e.g. wwStarted, wwEnded, bijstandStarted.")
            .Check(request.EffectiveOn is not null, "effectiveOn", "The date the change took effect is required.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        // Benefit facts come from UWV (or the advisor and admin who relay them); other partners are not told the intake exists.
        var mayReport = user.IsInRole(Roles.Advisor) || user.IsInRole(Roles.Admin) || user.OrganisationOf() == Uwv;
        var command = new IntakeCommand.ReportBenefitChange(intakeId, request.Change!.Value, request.EffectiveOn!.Value, user.OrganisationOf(), user.ActorOf(),
            time.GetUtcNow());
        return (await store.HandleAsync(IntakeAssessment.Decider, intakeId, command, ifMatch, new EventMetadata { Actor = command.Actor }, ct, _ => mayReport))
            .ToResult(http, Summary);
    }

    private static async Task<Results<Ok<IntakeSummaryView>, NotFound, ProblemHttpResult, ValidationProblem>> DecideEligibilityAsync(
        Guid intakeId, DecideEligibilityRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var validation = new Validation()
            .Check(!string.IsNullOrWhiteSpace(request.ProgrammeRoute), "programmeRoute", "The programme route is required.")
            .Check(request.ProgrammeRoute is not { Length: > MaxTextLength }, "programmeRoute", $"The programme route is at most {MaxTextLength} characters.")
            .Check(!string.IsNullOrWhiteSpace(request.RuleVersion), "ruleVersion", "The rule version is required, e.g. ww-under-6-months/2024-1.")
            .Check(request.ReferenceDate is not null, "referenceDate", "The reference date is required, e.g. the start of the activity.")
            .Check(request.Outcome is not null, "outcome", "The outcome is required: eligible or notEligible.")
            .Check(request.AlternativeRoute is not { Length: > MaxTextLength }, "alternativeRoute", $"The alternative route is at most {MaxTextLength} characters.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var command = new IntakeCommand.DecideEligibility(intakeId, Guid.CreateVersion7(), request.ProgrammeRoute!, request.RuleVersion!.Trim(),
            request.ReferenceDate!.Value, request.Outcome!.Value, request.AlternativeRoute, user.ActorOf(), time.GetUtcNow());
        return (await store.HandleAsync(IntakeAssessment.Decider, intakeId, command, ifMatch, new EventMetadata { Actor = command.Actor }, ct))
            .ToResult(http, Summary);
    }

    private static Validation Validate(CompleteIntakeRequest r)
    {
        var validation = new Validation()
            .Check(r.ParticipantId is not null, "participantId", "The participant is required.")
            .Check(r.Employment?.Status is not null, "employment.status", "The employment status is required.")
            .Check(r.Employment?.Since is not null, "employment.since", "The date the employment status holds since is required.")
            .Check(r.Benefit?.Type is not null, "benefit.type", "The benefit is required: ww, bijstand, wiaWajong or none.")
            .Check(r.EducationLevel is not null, "educationLevel", "The education level is required.")
            .Check(r.BasicQualification is not null, "basicQualification", "Whether the person has a basic qualification (startkwalificatie) is required.")
            .Check(r.DutchLevel is not null, "dutchLevel", "The Dutch language level is required: a0 to c2.")
            .Check(r.DistanceToLabourMarket is >= 1 and <= 5, "distanceToLabourMarket", "The distance to the labour market is required: 1 (ready to work) to 5 (far).")
            .Check(r.WillingToBePlaced is not null, "willingToBePlaced", "Whether the person is willing to be placed is required.")
            .Check(!string.IsNullOrWhiteSpace(r.Municipality) && r.Municipality.Length <= 100, "municipality", "The municipality is required, at most 100 characters.")
            .Check(r.Neighbourhood is not { Length: > 100 }, "neighbourhood", "The neighbourhood is at most 100 characters.")
            .Check(r.ResponsibleOrganisationId is not null, "responsibleOrganisationId", "The responsible organisation (a municipality or UWV) is required.")
            .Check(r.TargetGroups is null || r.TargetGroups.All(g => g is { Group: not null, EstablishedBy: not null }), "targetGroups",
                "Each target group names its group and how it was established: selfDeclared, documented or registerCheck.");
        Codes(validation, "needs", r.Needs);
        Codes(validation, "barriers", r.Barriers);
        Codes(validation, "preferredSectors", r.PreferredSectors);
        Codes(validation, "healthBarriers", r.HealthBarriers);
        // Health stays in its encrypted field; a health code among the clear barriers would leak it.
        return validation.Check(r.Barriers is null || !r.Barriers.Any(b => b.Contains("health", StringComparison.OrdinalIgnoreCase)), "barriers",
            "Health barriers go under healthBarriers, which is stored encrypted.");
    }

    private static void Codes(Validation validation, string field, IReadOnlyList<string>? codes) => validation.Check(
        codes is null || (codes.Count <= MaxCodes && codes.All(c => !string.IsNullOrWhiteSpace(c) && c.Length <= MaxCodeLength)), field,
        $"At most {MaxCodes} short codes of at most {MaxCodeLength} characters each.");

    private static IntakeFacts Facts(CompleteIntakeRequest r) => new(
        new EmploymentSituation(r.Employment!.Status!.Value, r.Employment.Basis, r.Employment.Since!.Value), new BenefitSituation(r.Benefit!.Type!.Value, r.Benefit.Since),
        r.EducationLevel!.Value, r.BasicQualification!.Value, r.DutchLevel!.Value,
        [.. (r.TargetGroups ?? []).Select(g => new TargetGroupMembership(g.Group!.Value, g.EstablishedBy!.Value))], r.Needs ?? [], r.Barriers ?? [],
        r.PreferredSectors ?? [], r.HealthBarriers ?? [], r.DistanceToLabourMarket!.Value, r.WillingToBePlaced!.Value, r.Municipality!, r.Neighbourhood,
        r.ResponsibleOrganisationId!.Value);

    private static IntakeSummaryView Summary(IntakeAssessment state) => state is IntakeAssessment.Completed i
        ? new(i.IntakeId, i.ParticipantId, i.Intake.OccurredAt, i.CurrentBenefit, i.Benefits, [.. i.Decisions.Select(Decision)])
        : throw new InvalidOperationException("No intake to show.");

    private static IntakeView View(IntakeAssessment.Completed i)
    {
        var e = i.Intake;
        return new(e.IntakeId, e.ParticipantId, e.OccurredAt, e.CompletedBy, e.Employment, e.Benefit, i.CurrentBenefit, i.Benefits, e.EducationLevel,
            e.BasicQualification, e.DutchLevel, e.TargetGroups, e.Focus, e.FocusGroupsMet, e.Needs, e.Barriers, e.PreferredSectors, e.DistanceToLabourMarket,
            e.WillingToBePlaced, e.Municipality, e.Neighbourhood == PersonalData.Erased ? null : e.Neighbourhood, e.ResponsibleOrganisationId, e.Health,
            [.. i.Decisions.Select(Decision)]);
    }

    private static EligibilityDecisionView Decision(EligibilityDecided d) =>
        new(d.DecisionId, d.ProgrammeRoute, d.RuleVersion, d.ReferenceDate, d.Outcome, d.AlternativeRoute, d.DecidedBy, d.OccurredAt);
}
