using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Intake.Inquiries.GettingInquiry;
using WorkCentre.Intake.Participants;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Inquiries.HandlingInquiry;

public sealed record AnswerInquiryRequest(string? Note = null);

public sealed record TurnIntoIntakeRequest(Guid? ParticipantId = null);

public sealed record CloseInquiryRequest(InquiryOutcome? Outcome = null);

public sealed record LinkToCampaignRequest(Guid? CampaignId = null);

/// <summary>What the desk does with a question: answer it, send an employer's on to the service point, turn it into an intake, close it.</summary>
public static class InquiryCommandEndpoints
{
    public const int MaxNoteLength = 1_000;

    public static RouteGroupBuilder MapInquiryCommands(this RouteGroupBuilder group)
    {
        group.MapPost("/{inquiryId:guid}/answer", (Guid inquiryId, AnswerInquiryRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user,
                EventStore.EventStore store, InquiryLog log, TimeProvider time, HttpContext http, CancellationToken ct) =>
                request.Note is { Length: > MaxNoteLength }
                    ? Invalid("note", $"The note is at most {MaxNoteLength} characters.")
                    : RunAsync(inquiryId, new InquiryCommand.Answer(inquiryId, string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(), user.ActorOf(),
                        time.GetUtcNow()), ifMatch, user, store, log, http, ct))
            .WithName("AnswerInquiry")
            .WithSummary("Records that the question was answered at the desk; the note is stored encrypted and not shown in lists.")
            .AsInquiryCommand();
        group.MapPost("/{inquiryId:guid}/forward-to-employer-service", (Guid inquiryId, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user,
                EventStore.EventStore store, InquiryLog log, TimeProvider time, HttpContext http, CancellationToken ct) =>
                RunAsync(inquiryId, new InquiryCommand.ForwardToEmployerService(inquiryId, user.ActorOf(), time.GetUtcNow()), ifMatch, user, store, log, http, ct))
            .WithName("ForwardInquiryToEmployerService")
            .WithSummary("Sends an employer's question on to the employer service point (published as `EmployerQuestionForwarded`).")
            .AsInquiryCommand();
        group.MapPost("/{inquiryId:guid}/intake", TurnIntoIntakeAsync)
            .WithName("TurnInquiryIntoIntake")
            .WithSummary("Links the inquiry to the participant registered for it: the question became a journey.")
            .AsInquiryCommand();
        group.MapPost("/{inquiryId:guid}/campaign", LinkToCampaignAsync)
            .WithName("LinkInquiryToCampaign")
            .WithSummary("Links the inquiry to a bulk-intake campaign, e.g. a worker of an employer that announced redundancies.")
            .AsInquiryCommand();
        group.MapPost("/{inquiryId:guid}/closure", (Guid inquiryId, CloseInquiryRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user,
                EventStore.EventStore store, InquiryLog log, TimeProvider time, HttpContext http, CancellationToken ct) =>
                request.Outcome is null
                    ? Invalid("outcome", "The outcome is required.")
                    : RunAsync(inquiryId, new InquiryCommand.Close(inquiryId, request.Outcome, user.ActorOf(), time.GetUtcNow()), ifMatch, user, store, log, http, ct))
            .WithName("CloseInquiry")
            .WithSummary("Closes the inquiry with its outcome.")
            .AsInquiryCommand();
        return group;
    }

    private static RouteHandlerBuilder AsInquiryCommand(this RouteHandlerBuilder builder) => builder
        .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
        .WithStreamCommand("inquiry");

    private static async Task<Results<Ok<InquiryView>, NotFound, ProblemHttpResult, ValidationProblem>> TurnIntoIntakeAsync(
        Guid inquiryId, TurnIntoIntakeRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        InquiryLog log, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request.ParticipantId is not { } participant)
        {
            return new Validation().Add("participantId", "The participant is required.").Problem();
        }
        if (!await store.ParticipantExistsAsync(participant, ct))
        {
            return Problems.RuleViolated("inquiry.participant-unknown", $"No participant {participant} is registered.");
        }
        return await RunAsync(inquiryId, new InquiryCommand.TurnIntoIntake(inquiryId, participant, user.ActorOf(), time.GetUtcNow()), ifMatch, user, store, log, http, ct);
    }

    private static async Task<Results<Ok<InquiryView>, NotFound, ProblemHttpResult, ValidationProblem>> LinkToCampaignAsync(
        Guid inquiryId, LinkToCampaignRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        InquiryLog log, Campaigns.CampaignProgress campaigns, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        if (request.CampaignId is not { } campaign)
        {
            return new Validation().Add("campaignId", "The campaign is required.").Problem();
        }
        if (await campaigns.ListAsync(campaign, ct) is [])
        {
            return Problems.RuleViolated("inquiry.campaign-unknown", $"No campaign {campaign} is open.");
        }
        return await RunAsync(inquiryId, new InquiryCommand.LinkToCampaign(inquiryId, campaign, user.ActorOf(), time.GetUtcNow()), ifMatch, user, store, log, http, ct);
    }

    private static async Task<Results<Ok<InquiryView>, NotFound, ProblemHttpResult, ValidationProblem>> RunAsync(
        Guid inquiryId, InquiryCommand command, string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store, InquiryLog log, HttpContext http,
        CancellationToken ct) =>
        await (await store.HandleAsync(Inquiry.Decider, inquiryId, command, ifMatch, new EventMetadata { Actor = user.ActorOf(), CorrelationId = inquiryId.ToString() },
            ct, mayAct: state => state is Inquiry.Registered r && InquiryAccess.MaySee(user, r.Organisation)))
            .ToResultAsync(http, async _ => (await log.GetAsync(inquiryId, ct))!);

    private static Task<Results<Ok<InquiryView>, NotFound, ProblemHttpResult, ValidationProblem>> Invalid(string field, string message) =>
        Task.FromResult<Results<Ok<InquiryView>, NotFound, ProblemHttpResult, ValidationProblem>>(new Validation().Add(field, message).Problem());
}
