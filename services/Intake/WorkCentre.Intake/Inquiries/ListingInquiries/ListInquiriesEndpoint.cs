using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.Contracts.Intake;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Inquiries.ListingInquiries;

public static class ListInquiriesEndpoint
{
    public static RouteHandlerBuilder MapListInquiries(this RouteGroupBuilder group) =>
        group.MapGet("/", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("ListInquiries")
            .WithSummary("Lists inquiries newest first, filtered by status, municipality, domain and registration date (Dutch calendar days, both included).")
            .WithDescription("Advisors see every desk's inquiries; partner staff their own desk's. Paged with `page` (from 1) and `pageSize` (1–100, 25 by default). " +
                "`status`: open, answered, forwarded, turnedIntoIntake or closed; `domain`: learning, working or career.");

    private static async Task<Results<Ok<Page<InquiryView>>, ValidationProblem>> HandleAsync(
        string? status, string? municipality, string? domain, DateOnly? from, DateOnly? to, int? page, int? pageSize,
        ClaimsPrincipal user, InquiryLog log, CancellationToken ct)
    {
        var validation = new Validation()
            .Check(from is null || to is null || from <= to, "to", "The end date is on or after the start date.")
            .Check(municipality is not { Length: > 100 }, "municipality", "A municipality is at most 100 characters.");
        var statusWanted = validation.Choice<InquiryStatus>("status", status);
        var domainWanted = validation.Choice<QuestionDomain>("domain", domain);
        var paging = Paging.From(page, pageSize, validation);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var ownDeskOnly = !(user.IsInRole(Roles.Advisor) || user.IsInRole(Roles.Admin));
        var filter = new InquiryFilter(statusWanted, string.IsNullOrWhiteSpace(municipality) ? null : municipality.Trim(), domainWanted, from, to,
            ownDeskOnly ? user.OrganisationOf() ?? "" : null);
        return TypedResults.Ok(await log.ListAsync(filter, paging, ct));
    }
}
