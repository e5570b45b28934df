using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.EventStore;
using WorkCentre.Privacy;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Participants.ErasingParticipant;

public sealed record EraseParticipantRequest(ErasureReason? Reason = null);

/// <summary>The person's records that were erased: the surviving participant and every participant merged into it.</summary>
public sealed record ParticipantErasedResponse(Guid ParticipantId, IReadOnlyList<Guid> ErasedParticipantIds, DateTimeOffset ErasedAt, ErasureReason Reason);

public static class EraseParticipantEndpoint
{
    public static RouteHandlerBuilder MapEraseParticipant(this RouteGroupBuilder group) =>
        group.MapPost("/{participantId:guid}/erasure", HandleAsync)
            // Advisors take the request at the desk, as they take the registration; admins handle written requests.
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("EraseParticipant")
            .WithSummary("Erases a person's personal data on request (crypto-shredding); the pseudonymous history stays.")
            .WithDescription(
                "Destroys the key of the participant and of every participant merged into it, in one transaction with their " +
                "`ParticipantErased` events and the removal of their duplicate-detection keys: every personal field reads as erased " +
                "from then on, counts stay. Other services learn it from `DataSubjectErased`. A merged participant's id erases the " +
                "person it was merged into. Repeating an erasure answers the same.")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithResponseDescription(StatusCodes.Status404NotFound, "No participant with this id.")
            .WithResponseDescription(StatusCodes.Status409Conflict, "The person's records changed (e.g. a merge) while erasing; retry.");

    private static async Task<Results<Ok<ParticipantErasedResponse>, ValidationProblem, NotFound, ProblemHttpResult>> HandleAsync(
        Guid participantId, EraseParticipantRequest request, ClaimsPrincipal user, EventStore.EventStore store, PersonalDataProtector protector,
        TimeProvider time, CancellationToken ct)
    {
        var validation = new Validation().Check(request.Reason is not null, "reason", "Give the reason code: subjectRequest, registeredInError or retentionExpired.");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var person = await store.ResolveAsync(participantId, ct);
        var mergedFrom = person.State switch
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
        var actor = user.ActorOf();
        var now = time.GetUtcNow();
        var records = new List<(Guid Id, long Version, IReadOnlyList<object> Events)>();
        foreach (var id in mergedFrom.Prepend(person.ParticipantId).Distinct())
        {
            var record = id == person.ParticipantId ? new StreamState<Participant>(person.State, person.Version) : await store.FetchAsync(id, ct);
            records.Add((id, record.Version, Participant.Decide(new ParticipantCommand.Erase(id, request.Reason!.Value, actor, now), record.State)));
        }

        await using var connection = await store.DataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var (id, _, _) in records)
        {
            await protector.Keys.ShredAsync(connection, tx, id.ToString("D"), ct);
        }
        var session = store.OpenSession(connection, tx, new EventMetadata
        {
            CorrelationId = person.ParticipantId.ToString(),
            Actor = actor,
            Headers = Activity.Current is { } activity ? new Dictionary<string, string> { ["traceparent"] = activity.Id! } : null,
        });
        foreach (var (id, version, events) in records)
        {
            session.Append(Participant.StreamType, id, version, events);
        }
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (StreamVersionConflict)
        {
            return Problems.Conflict("The person's records changed while they were being erased; retry the erasure.");
        }
        await tx.CommitAsync(CancellationToken.None);
        store.Appended.Set();
        var erased = person.State is Participant.Erased e ? e : null;
        return TypedResults.Ok(new ParticipantErasedResponse(person.ParticipantId, [.. records.Select(r => r.Id)],
            erased?.ErasedAt ?? now, erased?.Reason ?? request.Reason!.Value));
    }
}
