using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Intake.Calendar;
using WorkCentre.Intake.Consents;
using WorkCentre.Intake.Organisations;
using WorkCentre.Intake.Participants;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Handovers.RequestingHandover;

// Every field is optional for the JSON binder so that validation can name all missing fields at once.
public sealed record RequestHandoverRequest(
    Guid? ParticipantId = null, Guid? ToInboxId = null, HandoverReasonCode? ReasonCode = null, string? Note = null,
    IReadOnlyDictionary<DataCategory, string>? Summary = null, HandoverDirection? Direction = null, Guid? JourneyId = null);

public sealed record RerouteHandoverRequest(Guid? ToInboxId = null, string? Note = null, IReadOnlyDictionary<DataCategory, string>? Summary = null);

/// <summary>Starting a warm handover to another organisation's inbox, or sending a declined, stalled or expired one on to another.</summary>
public static class RequestHandoverEndpoints
{
    public const int MaxNoteLength = 1_000;
    public const int MaxSummaryLineLength = 2_000;

    public static RouteGroupBuilder MapRequestHandover(this RouteGroupBuilder group)
    {
        group.MapPost("/", RequestAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithIdempotency()
            .WithName("RequestHandover")
            .WithExamples(OpenApiExamples.RequestHandover, OpenApiExamples.HandoverRequested, StatusCodes.Status201Created)
            .WithSummary("Hands a participant over warmly to an organisation's inbox, with a reason and a dossier summary limited to what the consent covers.")
            .WithDescription("A handover to another legal entity needs the participant's consent in force for that recipient; the summary may only hold " +
                "categories the consent names. It is due within the inbox's service level in Dutch working days; unanswered by then it stalls and is " +
                "escalated to the sender, who stays responsible until acceptance.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithResponseDescription(StatusCodes.Status403Forbidden, "The token's organisation is not a registered, active partner.")
            .WithResponseDescription(StatusCodes.Status422UnprocessableEntity,
                "Refused and nothing written; `rule` says why: `handover.consent-required`, `handover.summary-beyond-consent`, unknown inbox or participant.")
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The handover's URL, `/handovers/{handoverId}`.")
            .WithResponseHeader(StatusCodes.Status201Created, "ETag", "The handover's version, for `If-Match`.");
        group.MapPost("/{handoverId:guid}/reroute", RerouteAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("RerouteHandover")
            .WithSummary("Sends a declined, stalled, expired or withdrawn handover on to another inbox as a new handover linked to this one.")
            .WithStreamCommand("handover")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .Produces<HandoverView>(StatusCodes.Status201Created)
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The new handover's URL.");
        return group;
    }

    private static async Task<Results<Created<HandoverView>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        RequestHandoverRequest request, ClaimsPrincipal user, EventStore.EventStore store, OrganisationDirectory directory, ConsentRegister consents,
        HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var validation = new Validation()
            .Check(request.ParticipantId is not null, "participantId", "The participant is required.")
            .Check(request.ToInboxId is not null, "toInboxId", "The receiving inbox is required.")
            .Check(request.ReasonCode is not null, "reasonCode", "The reason code is required.");
        Check(validation, request.Note, request.Summary);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var staff = await StaffMember.ResolveAsync(user, directory, ct);
        var participantId = request.ParticipantId!.Value;
        var planned = new Planned(participantId, request.JourneyId ?? participantId, request.Direction ?? HandoverDirection.Outbound,
            request.ToInboxId!.Value, new HandoverReason(request.ReasonCode!.Value, Blank(request.Note)), request.Summary ?? new Dictionary<DataCategory, string>(), null);
        return await PlanAsync(planned, staff, store, directory, consents, time, ct) is { } refused
            ? refused
            : await CommitAsync(planned, staff, null, store, board, time, http, ct);
    }

    private static async Task<Results<Created<HandoverView>, NotFound, ValidationProblem, ProblemHttpResult>> RerouteAsync(
        Guid handoverId, RerouteHandoverRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, ConsentRegister consents, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var validation = new Validation().Check(request.ToInboxId is not null, "toInboxId", "The new receiving inbox is required.");
        Check(validation, request.Note, request.Summary);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var staff = await StaffMember.ResolveAsync(user, directory, ct);
        var (state, version) = await store.FetchForWritingAsync(handoverId, Handover.Initial, Handover.Evolve, ct);
        if (state is not Handover.Known old || !staff.SendsFor(old.FromOrganisationId))
        {
            return TypedResults.NotFound();
        }
        if (ifMatch is not null && ifMatch != "*" && ETags.Parse(ifMatch) != version)
        {
            return Problems.PreconditionFailed($"The handover is at version {version}; read it again before re-routing it.");
        }
        var planned = new Planned(old.ParticipantId, old.JourneyId, old.Direction, request.ToInboxId!.Value, new HandoverReason(old.ReasonCode, Blank(request.Note)),
            request.Summary ?? new Dictionary<DataCategory, string>(), handoverId);
        if (await PlanAsync(planned, staff, store, directory, consents, time, ct) is { } refused)
        {
            return refused;
        }
        return await CommitAsync(planned, staff, (old, version), store, board, time, http, ct) switch
        {
            { Result: Created<HandoverView> created } => created,
            { Result: ProblemHttpResult problem } => problem,
            var other => throw new InvalidOperationException(other.Result.GetType().Name),
        };
    }

    private sealed record Planned(
        Guid ParticipantId, Guid JourneyId, HandoverDirection Direction, Guid ToInboxId, HandoverReason Reason,
        IReadOnlyDictionary<DataCategory, string> Summary, Guid? Previous)
    {
        public OrganisationEntry Recipient { get; set; } = null!;
        public InboxEntry Inbox { get; set; } = null!;
        public Guid? ConsentId { get; set; }
    }

    /// <summary>Every check that needs the database, before anything is written: sender, inbox, participant, consent.</summary>
    private static async Task<ProblemHttpResult?> PlanAsync(
        Planned planned, StaffMember staff, EventStore.EventStore store, OrganisationDirectory directory, ConsentRegister consents, TimeProvider time,
        CancellationToken ct)
    {
        if (staff.Organisation is null)
        {
            return TypedResults.Problem("Your token's organisation is not a registered, active partner; ask an admin to register it.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", type: ProblemTypes.Forbidden);
        }
        if (await directory.OwnerOfInboxAsync(planned.ToInboxId, ct) is not { } recipient)
        {
            return Problems.RuleViolated("handover.inbox-unknown", $"No open inbox {planned.ToInboxId}.");
        }
        if (!recipient.Active)
        {
            return Problems.RuleViolated("handover.recipient-inactive", $"{recipient.Name} is not active and takes no handovers.");
        }
        if (!await store.ParticipantExistsAsync(planned.ParticipantId, ct))
        {
            return Problems.RuleViolated("handover.participant-unknown", $"No participant {planned.ParticipantId} is registered.");
        }
        planned.Recipient = recipient;
        planned.Inbox = recipient.Inboxes.Single(i => i.InboxId == planned.ToInboxId);
        // Within one legal entity there is nothing to consent to; to any other, the participant must have agreed.
        if (recipient.OrganisationId == staff.Organisation.OrganisationId)
        {
            return null;
        }
        var consent = await consents.InForceForHandoverAsync(planned.ParticipantId, [recipient.OrganisationId], time.GetUtcNow(), ct);
        if (consent is null)
        {
            return Problems.RuleViolated("handover.consent-required",
                $"The participant has no consent in force to share their dossier with {recipient.Name}; record it first.");
        }
        var beyond = planned.Summary.Keys.Where(c => !consent.DataCategories.Contains(c)).Order().ToList();
        if (beyond.Count > 0)
        {
            return Problems.RuleViolated("handover.summary-beyond-consent",
                $"The consent does not cover {string.Join(", ", beyond)}; leave it out of the summary or record a consent that names it.");
        }
        planned.ConsentId = consent.ConsentId;
        return null;
    }

    private static async Task<Results<Created<HandoverView>, ValidationProblem, ProblemHttpResult>> CommitAsync(
        Planned planned, StaffMember staff, (Handover.Known Handover, long Version)? rerouted, EventStore.EventStore store, HandoverBoard board,
        TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var handoverId = Guid.CreateVersion7();
        var dueAt = HandoverClocks.DueAfter(now, planned.Inbox.ServiceLevelWorkingDays, WorkingDays.Netherlands);
        var expiresAt = HandoverClocks.DueAfter(now, Math.Max(HandoverClocks.ExpiryWorkingDays, 2 * planned.Inbox.ServiceLevelWorkingDays), WorkingDays.Netherlands);
        var request = new HandoverCommand.Request(handoverId, planned.ParticipantId, planned.JourneyId, planned.Direction, staff.Organisation!.OrganisationId,
            planned.Recipient.OrganisationId, planned.ToInboxId, planned.ConsentId, planned.Reason, new DossierSummary(planned.Summary), dueAt, expiresAt,
            planned.Previous, staff.Actor, now);
        IReadOnlyList<object> events;
        IReadOnlyList<object> ending = [];
        try
        {
            events = Handover.Decide(request, Handover.Initial);
            if (rerouted is { } old)
            {
                ending = Handover.Decide(new HandoverCommand.Reroute(old.Handover.HandoverId, handoverId, staff.Actor, now), old.Handover);
            }
        }
        catch (DomainRuleViolationException violation)
        {
            return Problems.RuleViolated(violation.Rule, violation.Message);
        }
        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var session = store.OpenSession(connection, transaction, new EventMetadata { Actor = staff.Actor, CorrelationId = planned.JourneyId.ToString() });
        if (rerouted is { } previous)
        {
            session.Append(Handover.StreamType, previous.Handover.HandoverId, previous.Version, ending);
        }
        try
        {
            await session.StartStream(Handover.StreamType, handoverId, events).SaveChangesAsync(ct);
        }
        catch (StreamVersionConflict)
        {
            return Problems.PreconditionFailed("The handover changed while it was being re-routed; read it again.");
        }
        await Timers.ScheduleAsync(connection, transaction, HandoverClocks.TimerKind, new HandoverClocks.Due(handoverId, HandoverClocks.Deadline.ServiceLevel), dueAt, ct);
        await Timers.ScheduleAsync(connection, transaction, HandoverClocks.TimerKind, new HandoverClocks.Due(handoverId, HandoverClocks.Deadline.Expiry), expiresAt, ct);
        // Never cancelled: a commit cancelled in flight may still land.
        await transaction.CommitAsync(CancellationToken.None);
        store.Appended.Set();
        http.Response.Headers.ETag = ETags.Of(1);
        return TypedResults.Created($"/handovers/{handoverId}", (await board.GetAsync(handoverId, now, ct))!);
    }

    private static void Check(Validation validation, string? note, IReadOnlyDictionary<DataCategory, string>? summary)
    {
        validation.Check(note is not { Length: > MaxNoteLength }, "note", $"The note is at most {MaxNoteLength} characters.");
        foreach (var (category, line) in summary ?? new Dictionary<DataCategory, string>())
        {
            var field = $"summary.{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(category.ToString())}";
            validation.Check(!string.IsNullOrWhiteSpace(line), field, "A summary line has text; leave the category out instead.")
                .Check(line is not { Length: > MaxSummaryLineLength }, field, $"A summary line is at most {MaxSummaryLineLength} characters.");
        }
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
