using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.Contracts.Intake;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Inquiries.GettingInquiry;

/// <summary>The inquiry without its question text: the text may hold personal data and is not shown here.</summary>
public sealed record InquiryView(
    Guid InquiryId, DateTimeOffset RegisteredAt, InquiryChannel Channel, RequesterType RequesterType,
    QuestionDomain Domain, string Municipality, string Location);

public static class GetInquiryEndpoint
{
    public static RouteHandlerBuilder MapGetInquiry(this RouteGroupBuilder group) =>
        group.MapGet("/{inquiryId:guid}", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithName("GetInquiry")
            .WithSummary("Reads an inquiry without its question text.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No inquiry with this id.")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The inquiry's version, e.g. `\"1\"`.");

    private static async Task<Results<Ok<InquiryView>, NotFound>> HandleAsync(Guid inquiryId, EventStore.EventStore store, HttpContext http, CancellationToken ct)
    {
        var fetched = await store.FetchForWritingAsync(inquiryId, Inquiry.Initial, Inquiry.Evolve, ct);
        if (fetched.State is not Inquiry.Registered inquiry)
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.ETag = $"\"{fetched.Version}\"";
        return TypedResults.Ok(new InquiryView(inquiry.InquiryId, inquiry.RegisteredAt, inquiry.Channel, inquiry.RequesterType,
            inquiry.Domain, inquiry.Municipality, inquiry.Location));
    }
}
