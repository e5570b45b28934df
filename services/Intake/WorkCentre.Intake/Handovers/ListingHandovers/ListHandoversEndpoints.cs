using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Organisations;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Handovers.ListingHandovers;

/// <summary>The partner's inbox, the sender's list of what it handed over, and one handover: ids, codes and dates, no personal data.</summary>
public static class ListHandoversEndpoints
{
    public static RouteGroupBuilder MapListHandovers(this RouteGroupBuilder group)
    {
        group.MapGet("/inbox", InboxAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("ListInbox")
            .WithExamples(null, OpenApiExamples.Inbox)
            .WithSummary("The handovers addressed to your organisation's inboxes (and its partnerships'): overdue first, then by due date.")
            .WithDescription("Open handovers (requested, accepted, first contact confirmed) unless `status` names another. `overdue` marks a requested " +
                "handover past its due moment; `stalledAt` when it was escalated to the sender.");
        group.MapGet("/sent", SentAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("ListSentHandovers")
            .WithSummary("The handovers your organisation sent: stalled ones first, since the sender stays responsible until acceptance.");
        group.MapGet("/{handoverId:guid}", GetAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("GetHandover")
            .WithSummary("Reads a handover's standing; for the sending and the receiving organisation only.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No handover with this id that your organisation sent or received.")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The handover's version, for `If-Match`.");
        return group;
    }

    private static async Task<Results<Ok<Page<HandoverView>>, ValidationProblem>> InboxAsync(
        Guid? inboxId, string? status, int? page, int? pageSize, ClaimsPrincipal user, OrganisationDirectory directory, HandoverBoard board,
        TimeProvider time, CancellationToken ct)
    {
        var validation = new Validation();
        var wanted = validation.Choice<HandoverStatus>("status", status);
        var paging = Paging.From(page, pageSize, validation);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var staff = await StaffMember.ResolveAsync(user, directory, ct);
        return TypedResults.Ok(await board.InboxAsync(staff.Works, inboxId, wanted, paging, time.GetUtcNow(), ct));
    }

    private static async Task<Results<Ok<Page<HandoverView>>, ValidationProblem>> SentAsync(
        string? status, int? page, int? pageSize, ClaimsPrincipal user, OrganisationDirectory directory, HandoverBoard board, TimeProvider time,
        CancellationToken ct)
    {
        var validation = new Validation();
        var wanted = validation.Choice<HandoverStatus>("status", status);
        var paging = Paging.From(page, pageSize, validation);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var staff = await StaffMember.ResolveAsync(user, directory, ct);
        return staff.Organisation is null
            ? TypedResults.Ok(new Page<HandoverView>([], paging.PageNumber, paging.PageSize, 0))
            : TypedResults.Ok(await board.SentAsync(staff.Organisation.OrganisationId, wanted, paging, time.GetUtcNow(), ct));
    }

    private static async Task<Results<Ok<HandoverView>, NotFound>> GetAsync(
        Guid handoverId, ClaimsPrincipal user, OrganisationDirectory directory, HandoverBoard board, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var staff = await StaffMember.ResolveAsync(user, directory, ct);
        if (await board.GetAsync(handoverId, time.GetUtcNow(), ct) is not { } handover
            || !(staff.SendsFor(handover.FromOrganisationId) || staff.Receives(handover.ToOrganisationId)))
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.ETag = Messaging.ETags.Of(handover.Version);
        return TypedResults.Ok(handover);
    }
}
