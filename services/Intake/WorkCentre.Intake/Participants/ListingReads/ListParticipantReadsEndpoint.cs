using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.Privacy;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Participants.ListingReads;

/// <summary>One recorded read: who (pseudonymous staff id), for which organisation, when, why, and which record was read.</summary>
public sealed record ParticipantReadView(Guid ParticipantId, string Actor, string? Organisation, string Purpose, DateTimeOffset ReadAt);

public sealed record ParticipantReadsView(Guid ParticipantId, int Page, int PageSize, long Total, IReadOnlyList<ParticipantReadView> Reads);

public static class ListParticipantReadsEndpoint
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static RouteHandlerBuilder MapListParticipantReads(this RouteGroupBuilder group) =>
        group.MapGet("/{participantId:guid}/reads", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Admin))
            .WithName("ListParticipantReads")
            .WithSummary("Lists who read a participant's personal data, when and why: the answer to their access request.")
            .WithDescription("Newest first, including reads of participants merged into this one. `page` counts from 1; `pageSize` is 1 to 200 (50).")
            .WithResponseDescription(StatusCodes.Status400BadRequest, "`page` or `pageSize` is out of range.")
            .WithResponseDescription(StatusCodes.Status404NotFound, "No participant with this id.");

    private static async Task<Results<Ok<ParticipantReadsView>, ValidationProblem, NotFound>> HandleAsync(
        Guid participantId, EventStore.EventStore store, PersonalDataReads reads, CancellationToken ct, int page = 1, int pageSize = DefaultPageSize)
    {
        var validation = new Validation()
            .Check(page >= 1, "page", "Pages count from 1.")
            .Check(pageSize is >= 1 and <= MaxPageSize, "pageSize", $"A page holds 1 to {MaxPageSize} reads.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var fetched = await store.FetchAsync(participantId, ct);
        IReadOnlyList<Guid>? mergedFrom = fetched.State switch
        {
            Participant.Registered p => p.MergedFrom,
            Participant.MergedInto p => p.MergedFrom,
            Participant.Erased p => p.MergedFrom,
            _ => null,
        };
        if (mergedFrom is null)
        {
            return TypedResults.NotFound();
        }
        var subjects = mergedFrom.Prepend(participantId).Select(id => id.ToString("D")).ToArray();
        var found = await reads.ListAsync(subjects, page, pageSize, ct);
        return TypedResults.Ok(new ParticipantReadsView(participantId, page, pageSize, found.Total,
            [.. found.Reads.Select(r => new ParticipantReadView(Guid.Parse(r.SubjectId), r.Actor, r.Organisation, r.Purpose, r.ReadAt))]));
    }
}
