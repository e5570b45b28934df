using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Organisations.ListingOrganisations;

public static class ListOrganisationsEndpoints
{
    public static RouteGroupBuilder MapListOrganisations(this RouteGroupBuilder group)
    {
        // Every staff member needs the partners and their inboxes to address a handover.
        group.MapGet("/", async (OrganisationDirectory directory, CancellationToken ct) => TypedResults.Ok(await directory.ListAsync(ct)))
            .RequireAuthorization()
            .WithName("ListOrganisations")
            .WithSummary("Lists the partner organisations with their open inboxes and service levels.");
        group.MapGet("/{organisationId:guid}", GetAsync)
            .RequireAuthorization()
            .WithName("GetOrganisation")
            .WithSummary("Reads one partner organisation with its open inboxes.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No organisation with this id.");
        return group;
    }

    private static async Task<Results<Ok<OrganisationEntry>, NotFound>> GetAsync(Guid organisationId, OrganisationDirectory directory, CancellationToken ct) =>
        await directory.GetAsync(organisationId, ct) is { } organisation ? TypedResults.Ok(organisation) : TypedResults.NotFound();
}
