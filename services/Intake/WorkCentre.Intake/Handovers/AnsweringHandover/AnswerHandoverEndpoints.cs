using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Intake.Calendar;
using WorkCentre.Intake.Organisations;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Handovers.AnsweringHandover;

public sealed record AcceptHandoverRequest(DateOnly? PlannedFirstContact = null);

public sealed record DeclineHandoverRequest(DeclineReason? Reason = null, Guid? AlternativeInboxId = null, string? AlternativeProgramme = null);

public sealed record ConfirmFirstContactRequest(DateOnly? ContactedOn = null);

public sealed record CloseHandoverRequest(HandoverOutcome? Outcome = null);

/// <summary>
/// What the receiving partner does with a handover (accept, decline with an alternative, confirm first contact, close) and
/// what the sender may still do (withdraw before acceptance). Staff of any other organisation are told it does not exist.
/// </summary>
public static class AnswerHandoverEndpoints
{
    public static RouteGroupBuilder MapAnswerHandover(this RouteGroupBuilder group)
    {
        group.MapPost("/{handoverId:guid}/acceptance", AcceptAsync)
            .WithName("AcceptHandover")
            .WithExamples(OpenApiExamples.AcceptHandover, OpenApiExamples.HandoverAccepted)
            .WithSummary("The receiving partner accepts the handover and plans the first contact; from now on it is responsible.")
            .AsHandoverCommand();
        group.MapPost("/{handoverId:guid}/decline", DeclineAsync)
            .WithName("DeclineHandover")
            .WithExamples(OpenApiExamples.DeclineHandover, null)
            .WithSummary("The receiving partner declines with a reason code and an alternative route: another inbox or a programme (no wrong door).")
            .AsHandoverCommand();
        group.MapPost("/{handoverId:guid}/withdrawal", (Guid handoverId, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user,
                EventStore.EventStore store, OrganisationDirectory directory, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct) =>
                RunAsync(handoverId, staff => new HandoverCommand.Withdraw(handoverId, staff.Actor, time.GetUtcNow()), Side.Sender, ifMatch, user, store, directory,
                    board, time, http, ct))
            .WithName("WithdrawHandover")
            .WithSummary("The sender withdraws a handover that has not been answered yet.")
            .AsHandoverCommand();
        group.MapPost("/{handoverId:guid}/first-contact", ConfirmFirstContactAsync)
            .WithName("ConfirmFirstContact")
            .WithSummary("The receiving partner confirms the first contact took place.")
            .AsHandoverCommand();
        group.MapPost("/{handoverId:guid}/closure", CloseAsync)
            .WithName("CloseHandover")
            .WithSummary("The receiving partner closes the handover with its outcome.")
            .AsHandoverCommand();
        return group;
    }

    private static RouteHandlerBuilder AsHandoverCommand(this RouteHandlerBuilder builder) => builder
        .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
        .WithStreamCommand("handover");

    private enum Side { Sender, Receiver }

    private static Task<Results<Ok<HandoverView>, NotFound, ProblemHttpResult, ValidationProblem>> AcceptAsync(
        Guid handoverId, AcceptHandoverRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct) =>
        request.PlannedFirstContact is { } planned
            ? RunAsync(handoverId, staff => new HandoverCommand.Accept(handoverId, planned, DutchTime.Today(time.GetUtcNow()), staff.Actor, time.GetUtcNow()),
                Side.Receiver, ifMatch, user, store, directory, board, time, http, ct)
            : Invalid("plannedFirstContact", "The planned date of the first contact is required.");

    private static async Task<Results<Ok<HandoverView>, NotFound, ProblemHttpResult, ValidationProblem>> DeclineAsync(
        Guid handoverId, DeclineHandoverRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var validation = new Validation()
            .Check(request.Reason is not null, "reason", "The reason code is required.")
            .Check(request.AlternativeProgramme is not { Length: > 200 }, "alternativeProgramme", "The programme is at most 200 characters.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        if (request.AlternativeInboxId is { } alternative && await directory.OwnerOfInboxAsync(alternative, ct) is null)
        {
            return Problems.RuleViolated("handover.alternative-unknown", $"No open inbox {alternative} to point the participant to.");
        }
        return await RunAsync(handoverId,
            staff => new HandoverCommand.Decline(handoverId, request.Reason, request.AlternativeInboxId, request.AlternativeProgramme, staff.Actor, time.GetUtcNow()),
            Side.Receiver, ifMatch, user, store, directory, board, time, http, ct);
    }

    private static Task<Results<Ok<HandoverView>, NotFound, ProblemHttpResult, ValidationProblem>> ConfirmFirstContactAsync(
        Guid handoverId, ConfirmFirstContactRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct) =>
        request.ContactedOn is { } on
            ? RunAsync(handoverId, staff => new HandoverCommand.ConfirmFirstContact(handoverId, on, DutchTime.Today(time.GetUtcNow()), staff.Actor, time.GetUtcNow()),
                Side.Receiver, ifMatch, user, store, directory, board, time, http, ct)
            : Invalid("contactedOn", "The date of the first contact is required.");

    private static Task<Results<Ok<HandoverView>, NotFound, ProblemHttpResult, ValidationProblem>> CloseAsync(
        Guid handoverId, CloseHandoverRequest request, [FromHeader(Name = "If-Match")] string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct) =>
        request.Outcome is { } outcome
            ? RunAsync(handoverId, staff => new HandoverCommand.Close(handoverId, outcome, staff.Actor, time.GetUtcNow()),
                Side.Receiver, ifMatch, user, store, directory, board, time, http, ct)
            : Invalid("outcome", "The outcome is required.");

    private static async Task<Results<Ok<HandoverView>, NotFound, ProblemHttpResult, ValidationProblem>> RunAsync(
        Guid handoverId, Func<StaffMember, HandoverCommand> command, Side side, string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store,
        OrganisationDirectory directory, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var staff = await StaffMember.ResolveAsync(user, directory, ct);
        var outcome = await store.HandleAsync(Handover.Decider, handoverId, command(staff), ifMatch, new EventMetadata { Actor = staff.Actor }, ct,
            mayAct: state => state is Handover.Known h && (side == Side.Sender ? staff.SendsFor(h.FromOrganisationId) : staff.Receives(h.ToOrganisationId)));
        return await outcome.ToResultAsync(http, async _ => (await board.GetAsync(handoverId, time.GetUtcNow(), ct))!);
    }

    private static Task<Results<Ok<HandoverView>, NotFound, ProblemHttpResult, ValidationProblem>> Invalid(string field, string message) =>
        Task.FromResult<Results<Ok<HandoverView>, NotFound, ProblemHttpResult, ValidationProblem>>(new Validation().Add(field, message).Problem());
}
