using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Inquiries.RegisteringInquiry;

// Every field is optional for the JSON binder so that validation below can name all missing fields at once.
public sealed record RegisterInquiryRequest(
    InquiryChannel? Channel = null,
    RequesterType? RequesterType = null,
    QuestionDomain? Domain = null,
    string? Municipality = null,
    string? Location = null,
    string? Question = null);

public sealed record InquiryRegisteredResponse(Guid InquiryId, DateTimeOffset RegisteredAt);

public static class RegisterInquiryEndpoint
{
    public const int MaxQuestionLength = 1_000;
    public const int MaxPlaceLength = 100;

    public static RouteHandlerBuilder MapRegisterInquiry(this RouteGroupBuilder group) =>
        group.MapPost("/", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Partner, Roles.Admin))
            .WithIdempotency()
            .WithName("RegisterInquiry")
            .WithExamples(OpenApiExamples.RegisterInquiry, OpenApiExamples.InquiryRegistered, StatusCodes.Status201Created)
            .WithSummary("Registers a question asked at any partner's desk.")
            .WithDescription("The question text is stored encrypted as personal data; reads never return it.")
            .WithResponseHeader(StatusCodes.Status201Created, "Location", "The new inquiry's URL, `/inquiries/{inquiryId}`.");

    private static async Task<Results<Created<InquiryRegisteredResponse>, ValidationProblem>> HandleAsync(
        RegisterInquiryRequest request, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var inquiryId = Guid.CreateVersion7();
        var actor = user.ActorOf();
        var command = new RegisterInquiry(inquiryId, request.Channel!.Value, request.RequesterType!.Value, request.Domain!.Value,
            request.Municipality!.Trim(), request.Location!.Trim(), string.IsNullOrWhiteSpace(request.Question) ? null : request.Question.Trim(),
            actor, time.GetUtcNow(), user.OrganisationOf());
        var events = Inquiry.Decide(command, Inquiry.Initial);
        var metadata = new EventMetadata
        {
            // An inquiry opens a journey; every later fact of it carries this correlation id.
            CorrelationId = inquiryId.ToString(),
            Actor = actor,
            Headers = Activity.Current is { } activity ? new Dictionary<string, string> { ["traceparent"] = activity.Id! } : null,
        };
        await store.OpenSession(metadata).StartStream(Inquiry.StreamType, inquiryId, events).SaveChangesAsync(ct);
        return TypedResults.Created($"/inquiries/{inquiryId}", new InquiryRegisteredResponse(inquiryId, command.Now));
    }

    private static Dictionary<string, string[]> Validate(RegisterInquiryRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Channel is null)
        {
            errors["channel"] = ["Channel is required: walkIn, phone, online, outreach or partnerReferral."];
        }
        if (request.RequesterType is null)
        {
            errors["requesterType"] = ["Requester type is required: resident, employer or professional."];
        }
        if (request.Domain is null)
        {
            errors["domain"] = ["Question domain is required: learning, working or career."];
        }
        Place(errors, "municipality", request.Municipality);
        Place(errors, "location", request.Location);
        if (request.Question is { Length: > MaxQuestionLength })
        {
            errors["question"] = [$"The question is at most {MaxQuestionLength} characters."];
        }
        return errors;
    }

    private static void Place(Dictionary<string, string[]> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"The {field} is required."];
        }
        else if (value.Length > MaxPlaceLength)
        {
            errors[field] = [$"The {field} is at most {MaxPlaceLength} characters."];
        }
    }
}
