using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Organisations.ChangingOrganisation;

public sealed record OpenInboxRequest(string? Name = null, int? ServiceLevelWorkingDays = null);

public sealed record ChangeServiceLevelRequest(int? ServiceLevelWorkingDays = null);

public sealed record ChangeDepthRequest(ParticipationDepth? Depth = null);

/// <summary>An admin's changes to a partner: inboxes, their service levels, participation depth, active flag.</summary>
public static class ChangeOrganisationEndpoints
{
    public static RouteGroupBuilder MapChangeOrganisation(this RouteGroupBuilder group)
    {
        group.MapPost("/{organisationId:guid}/inboxes", OpenInboxAsync)
            .WithName("OpenInbox")
            .WithSummary("Opens an inbox for warm handovers, e.g. \"UWV – WW intake\", with its service level in working days (1–60).")
            .AsAdminChange();
        group.MapPut("/{organisationId:guid}/inboxes/{inboxId:guid}/service-level", ChangeServiceLevelAsync)
            .WithName("ChangeInboxServiceLevel")
            .WithSummary("Changes an inbox's service level; handovers requested from now on are due by the new one.")
            .AsAdminChange();
        group.MapDelete("/{organisationId:guid}/inboxes/{inboxId:guid}", (Guid organisationId, Guid inboxId, [FromHeader(Name = "If-Match")] string? ifMatch,
                ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http, CancellationToken ct) =>
                RunAsync(new OrganisationCommand.CloseInbox(organisationId, inboxId, time.GetUtcNow()), ifMatch, user, store, http, ct))
            .WithName("CloseInbox")
            .WithSummary("Closes an inbox: it receives no new handovers; those in it stay where they are.")
            .AsAdminChange();
        group.MapPut("/{organisationId:guid}/depth", ChangeDepthAsync)
            .WithName("ChangeParticipationDepth")
            .WithSummary("Changes how deeply the partner takes part; only-informed partners have no open inboxes.")
            .AsAdminChange();
        group.MapPost("/{organisationId:guid}/deactivation", (Guid organisationId, [FromHeader(Name = "If-Match")] string? ifMatch,
                ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http, CancellationToken ct) =>
                RunAsync(new OrganisationCommand.Deactivate(organisationId, time.GetUtcNow()), ifMatch, user, store, http, ct))
            .WithName("DeactivateOrganisation")
            .WithSummary("Deactivates a partner: its inboxes take no new handovers until it is reactivated.")
            .AsAdminChange();
        group.MapDelete("/{organisationId:guid}/deactivation", (Guid organisationId, [FromHeader(Name = "If-Match")] string? ifMatch,
                ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http, CancellationToken ct) =>
                RunAsync(new OrganisationCommand.Reactivate(organisationId, time.GetUtcNow()), ifMatch, user, store, http, ct))
            .WithName("ReactivateOrganisation")
            .WithSummary("Reactivates a deactivated partner.")
            .AsAdminChange();
        return group;
    }

    private static RouteHandlerBuilder AsAdminChange(this RouteHandlerBuilder builder) =>
        builder.RequireAuthorization(Policies.Admin).WithStreamCommand("organisation");

    private static Task<Results<Ok<OrganisationEntry>, NotFound, ProblemHttpResult, ValidationProblem>> OpenInboxAsync(
        Guid organisationId, OpenInboxRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http, CancellationToken ct)
    {
        var validation = new Validation().Required("name", request.Name)
            .Check(request.Name is not { Length: > 100 }, "name", "An inbox name is at most 100 characters.")
            .Check(request.ServiceLevelWorkingDays is not null, "serviceLevelWorkingDays", "The service level in working days is required.");
        return validation.IsValid
            ? RunAsync(new OrganisationCommand.OpenInbox(organisationId, Guid.CreateVersion7(), request.Name!.Trim(), request.ServiceLevelWorkingDays!.Value,
                time.GetUtcNow()), ifMatch, user, store, http, ct)
            : Task.FromResult<Results<Ok<OrganisationEntry>, NotFound, ProblemHttpResult, ValidationProblem>>(validation.Problem());
    }

    private static Task<Results<Ok<OrganisationEntry>, NotFound, ProblemHttpResult, ValidationProblem>> ChangeServiceLevelAsync(
        Guid organisationId, Guid inboxId, ChangeServiceLevelRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http, CancellationToken ct) =>
        request.ServiceLevelWorkingDays is { } days
            ? RunAsync(new OrganisationCommand.ChangeServiceLevel(organisationId, inboxId, days, time.GetUtcNow()), ifMatch, user, store, http, ct)
            : Task.FromResult<Results<Ok<OrganisationEntry>, NotFound, ProblemHttpResult, ValidationProblem>>(
                new Validation().Add("serviceLevelWorkingDays", "The service level in working days is required.").Problem());

    private static Task<Results<Ok<OrganisationEntry>, NotFound, ProblemHttpResult, ValidationProblem>> ChangeDepthAsync(
        Guid organisationId, ChangeDepthRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http, CancellationToken ct) =>
        request.Depth is { } depth
            ? RunAsync(new OrganisationCommand.ChangeDepth(organisationId, depth, time.GetUtcNow()), ifMatch, user, store, http, ct)
            : Task.FromResult<Results<Ok<OrganisationEntry>, NotFound, ProblemHttpResult, ValidationProblem>>(
                new Validation().Add("depth", "The participation depth is required: informOnly, acceptHandovers or coDeliver.").Problem());

    private static async Task<Results<Ok<OrganisationEntry>, NotFound, ProblemHttpResult, ValidationProblem>> RunAsync(
        OrganisationCommand command, string? ifMatch, ClaimsPrincipal user, EventStore.EventStore store, HttpContext http, CancellationToken ct) =>
        (await store.HandleAsync(Organisation.Decider, command.OrganisationId, command, ifMatch, new EventMetadata { Actor = user.ActorOf() }, ct))
            .ToResult(http, state => View((Organisation.Known)state));

    private static OrganisationEntry View(Organisation.Known o) =>
        new(o.OrganisationId, o.Code, o.Name, o.Type, o.Depth, o.Members, o.Active, [.. o.Inboxes.Select(i => new InboxEntry(i.InboxId, i.Name, i.ServiceLevelWorkingDays))]);
}
