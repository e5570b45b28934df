using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Inquiries.GettingInquiry;

public static class GetInquiryEndpoint
{
    public static RouteHandlerBuilder MapGetInquiry(this RouteGroupBuilder group) =>
        group.MapGet("/{inquiryId:guid}", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("GetInquiry")
            .WithSummary("Reads an inquiry without its question text.")
            .WithDescription("Front-desk advisors see inquiries registered at any door; partner staff only those registered at their own organisation's desk.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No inquiry with this id that you may see.")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The inquiry's version, e.g. `\"1\"`.");

    private static async Task<Results<Ok<InquiryView>, NotFound>> HandleAsync(Guid inquiryId, ClaimsPrincipal user, InquiryLog log, HttpContext http, CancellationToken ct)
    {
        if (await log.GetAsync(inquiryId, ct) is not { } inquiry || !InquiryAccess.MaySee(user, inquiry.Organisation))
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.ETag = Messaging.ETags.Of(inquiry.Version);
        return TypedResults.Ok(inquiry);
    }
}

/// <summary>One front door: advisors see inquiries from every desk; a partner's staff see their own desk's, and are not told of others.</summary>
public static class InquiryAccess
{
    public static bool MaySee(ClaimsPrincipal user, string? registeredAt) =>
        user.IsInRole(Roles.Advisor) || user.IsInRole(Roles.Admin) || (registeredAt is not null && registeredAt == user.OrganisationOf());
}
