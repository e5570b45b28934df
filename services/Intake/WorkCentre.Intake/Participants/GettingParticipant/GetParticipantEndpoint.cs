using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.Messaging;
using WorkCentre.Privacy;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Participants.GettingParticipant;

/// <summary>
/// A participant with their personal data. After an erasure every personal field is null and <c>erased</c> says when
/// and why; a read of a merged participant returns the surviving one, with <c>redirectedFrom</c> naming the id asked for.
/// </summary>
public sealed record ParticipantView(
    Guid ParticipantId,
    DateTimeOffset RegisteredAt,
    string? GivenName,
    string? Prefix,
    string? FamilyName,
    DateOnly? DateOfBirth,
    string? Email,
    string? Phone,
    string? Postcode,
    string? Bsn,
    string? Municipality,
    IReadOnlyList<Guid> MergedFrom,
    Guid? RedirectedFrom,
    ErasureView? Erased);

public sealed record ErasureView(DateTimeOffset ErasedAt, ErasureReason Reason);

public static class GetParticipantEndpoint
{
    public static RouteHandlerBuilder MapGetParticipant(this RouteGroupBuilder group) =>
        group.MapGet("/{participantId:guid}", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithReadPurpose()
            .WithName("GetParticipant")
            .WithSummary("Reads a participant's personal data for a stated purpose; the read is recorded.")
            .WithDescription(
                "Every read is recorded before the data is returned: who (the token's `sub`), for which organisation (`org`), when and " +
                "why (`purpose`); `GET /participants/{participantId}/reads` lists them. A merged participant's id returns the surviving " +
                "participant (`redirectedFrom` names the id asked for). Partners read handed-over summaries elsewhere, managers aggregates only.")
            .WithResponseDescription(StatusCodes.Status400BadRequest, "`purpose` is missing, blank or longer than 200 characters.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No participant with this id.")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The returned participant's version, e.g. `\"2\"`; send it as `If-Match` to merge.");

    private static async Task<Results<Ok<ParticipantView>, ValidationProblem, NotFound>> HandleAsync(
        Guid participantId, [Microsoft.AspNetCore.Mvc.FromQuery(Name = ReadPurpose.Parameter)] string purpose, ClaimsPrincipal user,
        EventStore.EventStore store, PersonalDataReads reads, HttpContext http, CancellationToken ct)
    {
        var validation = new Validation().Purpose(purpose);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var resolved = await store.ResolveAsync(participantId, ct);
        var view = ToView(resolved);
        if (view is null)
        {
            return TypedResults.NotFound();
        }
        // Recorded before anything is returned: a read the audit could not take fails instead of going unrecorded.
        await reads.RecordAsync(resolved.ParticipantId, user.ActorOf(), user.OrganisationOf(), purpose.Trim(), ct);
        http.Response.Headers.ETag = ETags.Of(resolved.Version);
        return TypedResults.Ok(view);
    }

    private static ParticipantView? ToView(ResolvedParticipant resolved) => resolved.State switch
    {
        Participant.Registered p => new ParticipantView(p.ParticipantId, p.RegisteredAt, p.Details.GivenName, p.Details.Prefix, p.Details.FamilyName,
            p.Details.DateOfBirth, p.Details.Email, p.Details.Phone, p.Details.Postcode, p.Details.Bsn, p.Municipality, p.MergedFrom,
            resolved.RedirectedFrom, null),
        // Only reached through a link that was cut short; the data shown is still this record's own.
        Participant.MergedInto p => new ParticipantView(p.ParticipantId, p.RegisteredAt, p.Details.GivenName, p.Details.Prefix, p.Details.FamilyName,
            p.Details.DateOfBirth, p.Details.Email, p.Details.Phone, p.Details.Postcode, p.Details.Bsn, p.Municipality, p.MergedFrom,
            resolved.RedirectedFrom, null),
        Participant.Erased p => new ParticipantView(p.ParticipantId, p.RegisteredAt, null, null, null, null, null, null, null, null, p.Municipality,
            p.MergedFrom, resolved.RedirectedFrom, new ErasureView(p.ErasedAt, p.Reason)),
        _ => null,
    };
}
