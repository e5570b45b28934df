using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using WorkCentre.EventStore;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Participants.MergingParticipants;

public sealed record MergeParticipantRequest(Guid? Into = null);

public sealed record ParticipantMergedResponse(Guid ParticipantId, Guid IntoParticipantId, DateTimeOffset MergedAt);

public static class MergeParticipantEndpoint
{
    public static RouteHandlerBuilder MapMergeParticipant(this RouteGroupBuilder group) =>
        group.MapPost("/{participantId:guid}/merge", HandleAsync)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Advisor, Roles.Admin))
            .WithName("MergeParticipant")
            .WithSummary("Merges a duplicate participant into the one that survives.")
            .WithDescription(
                "A link, not a rewrite: both histories stay, and reads of the merged participant return the surviving one. " +
                "`If-Match` is optional; with it, the merged participant must still be at that version (its `ETag`).")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithResponseDescription(StatusCodes.Status404NotFound, "No participant with this id.")
            .WithResponseDescription(StatusCodes.Status409Conflict, "Either participant changed while the merge was decided; read again and retry.")
            .WithResponseDescription(StatusCodes.Status412PreconditionFailed, "`If-Match` names a version the merged participant is no longer at.")
            .WithResponseDescription(StatusCodes.Status422UnprocessableEntity,
                "A rule refuses the merge (`rule`): `participant.merge-self`, `participant.already-merged`, `participant.erased`, " +
                "`participant.merge-target-unknown`, `participant.merge-target-merged`, `participant.merge-target-erased`.")
            .WithResponseHeader(StatusCodes.Status200OK, "ETag", "The merged participant's new version.");

    private static async Task<Results<Ok<ParticipantMergedResponse>, ValidationProblem, NotFound, ProblemHttpResult>> HandleAsync(
        Guid participantId, MergeParticipantRequest request, ClaimsPrincipal user, EventStore.EventStore store, TimeProvider time, HttpContext http,
        CancellationToken ct)
    {
        var validation = new Validation().Check(request.Into is not null, "into", "Name the participant to merge into: `into` is its id.");
        var ifMatch = ParticipantStreams.IfMatch(http.Request);
        validation.Check(ifMatch is not -1, "If-Match", "If-Match is a version this service issued as an ETag, e.g. \"2\".");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        var merged = await store.FetchAsync(participantId, ct);
        if (merged.State is Participant.NotRegistered)
        {
            return TypedResults.NotFound();
        }
        if (ifMatch is { } expected && expected != merged.Version)
        {
            return Problems.PreconditionFailed($"Participant {participantId} is at version {merged.Version}, not {expected}.");
        }
        var into = request.Into!.Value;
        var survivor = await store.FetchAsync(into, ct);
        var actor = user.ActorOf();
        var command = new ParticipantCommand.MergeInto(participantId, into, actor, time.GetUtcNow());
        MergeDecision decision;
        try
        {
            decision = Participant.DecideMerge(command, merged.State, survivor.State);
        }
        catch (DomainRuleViolationException violation)
        {
            return Problems.RuleViolated(violation.Rule, violation.Message);
        }
        var metadata = new EventMetadata
        {
            CorrelationId = participantId.ToString(),
            Actor = actor,
            Headers = Activity.Current is { } activity ? new Dictionary<string, string> { ["traceparent"] = activity.Id! } : null,
        };
        try
        {
            var results = await store.OpenSession(metadata)
                .Append(Participant.StreamType, participantId, merged.Version, decision.Merged)
                .Append(Participant.StreamType, into, survivor.Version, decision.Survivor)
                .SaveChangesAsync(ct);
            http.Response.Headers.ETag = ETags.Of(results.Single(r => r.StreamId == participantId).Version);
        }
        catch (StreamVersionConflict conflict)
        {
            return ifMatch is not null && conflict.StreamId == participantId
                ? Problems.PreconditionFailed($"Participant {participantId} changed since version {ifMatch}.")
                : Problems.Conflict("A participant changed while the merge was decided; read both again and retry.");
        }
        return TypedResults.Ok(new ParticipantMergedResponse(participantId, into, command.Now));
    }
}
