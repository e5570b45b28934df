using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Organisations.RegisteringOrganisation;

public sealed record RegisterOrganisationRequest(
    string? Code = null, string? Name = null, OrganisationType? Type = null, ParticipationDepth? Depth = null, IReadOnlyList<Guid>? Members = null);

public static class RegisterOrganisationEndpoint
{
    public static RouteHandlerBuilder MapRegisterOrganisation(this RouteGroupBuilder group) =>
        group.MapPost("/", HandleAsync)
            .RequireAuthorization(Policies.Admin)
            .WithName("RegisterOrganisation")
            .WithSummary("Registers a partner organisation, or a partnership of registered organisations.")
            .WithDescription("A partnership (the employer service point, the mobility team) is not a legal entity: it lists at least two members, " +
                "and consent, access and the read audit resolve to the member whose staff act. Open inboxes next.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithResponseDescription(StatusCodes.Status409Conflict, "Another organisation already has this code.")
            .WithResponseDescription(StatusCodes.Status422UnprocessableEntity, "A member is unknown, or the partnership lists fewer than two distinct members.")
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The organisation's URL, `/organisations/{organisationId}`.");

    private static async Task<Results<Created<OrganisationEntry>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        RegisterOrganisationRequest request, ClaimsPrincipal user, EventStore.EventStore store, OrganisationDirectory directory, TimeProvider time,
        CancellationToken ct)
    {
        var validation = new Validation()
            .Required("code", request.Code)
            .Check(request.Code is null || System.Text.RegularExpressions.Regex.IsMatch(request.Code, "^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"),
                "code", "A code is 1 to 40 lower-case letters, digits and hyphens, as staff tokens carry it.")
            .Required("name", request.Name)
            .Check(request.Name is not { Length: > 200 }, "name", "The name is at most 200 characters.")
            .Check(request.Type is not null, "type", "The type is required.")
            .Check(request.Depth is not null, "depth", "The participation depth is required: informOnly, acceptHandovers or coDeliver.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var members = request.Members ?? [];
        foreach (var member in members.Distinct())
        {
            if (await directory.GetAsync(member, ct) is not { } known)
            {
                return Problems.RuleViolated("organisation.member-unknown", $"Member {member} is not a registered organisation.");
            }
            if (known.IsPartnership)
            {
                return Problems.RuleViolated("organisation.member-partnership", $"{known.Name} is a partnership; members are legal entities.");
            }
        }
        if (await directory.FindByCodeAsync(request.Code!, ct) is not null)
        {
            return Problems.Conflict($"An organisation with code '{request.Code}' is already registered.");
        }
        var id = Guid.CreateVersion7();
        var command = new OrganisationCommand.Register(id, request.Code!, request.Name!.Trim(), request.Type!.Value, request.Depth!.Value, members, time.GetUtcNow());
        IReadOnlyList<object> events;
        try
        {
            events = Organisation.Decide(command, Organisation.Initial);
        }
        catch (DomainRuleViolationException violation)
        {
            return Problems.RuleViolated(violation.Rule, violation.Message);
        }
        try
        {
            await store.OpenSession(new EventMetadata { Actor = user.ActorOf() }).StartStream(Organisation.StreamType, id, events).SaveChangesAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Two admins registered the same code at once; the directory's unique code refused the second.
            return Problems.Conflict($"An organisation with code '{request.Code}' is already registered.");
        }
        var created = new OrganisationEntry(id, command.Code, command.Name, command.Type, command.Depth, members, true, []);
        return TypedResults.Created($"/organisations/{id}", created);
    }
}
