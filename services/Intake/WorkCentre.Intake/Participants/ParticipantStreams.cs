using WorkCentre.EventStore;
using WorkCentre.Messaging;

namespace WorkCentre.Intake.Participants;

/// <summary>A participant's state and version as read for a request, and where a merge link led the read.</summary>
public sealed record ResolvedParticipant(Participant State, long Version, Guid ParticipantId, Guid? RedirectedFrom);

public static class ParticipantStreams
{
    // A link is made only into a participant that is not merged itself, so chains are short; the bound stops a cycle
    // that a hand-edited stream could make.
    private const int MaxLinks = 8;

    public static async Task<StreamState<Participant>> FetchAsync(this EventStore.EventStore store, Guid participantId, CancellationToken ct) =>
        await store.FetchForWritingAsync(participantId, Participant.Initial, Participant.Evolve, ct);

    /// <summary>Follows merge links from <paramref name="participantId"/> to the participant that survived.</summary>
    public static async Task<ResolvedParticipant> ResolveAsync(this EventStore.EventStore store, Guid participantId, CancellationToken ct)
    {
        var id = participantId;
        for (var link = 0; ; link++)
        {
            var fetched = await store.FetchAsync(id, ct);
            var into = fetched.State switch
            {
                Participant.MergedInto m => m.IntoParticipantId,
                Participant.Erased { IntoParticipantId: { } erasedInto } => erasedInto,
                _ => (Guid?)null,
            };
            if (into is null || link == MaxLinks)
            {
                return new ResolvedParticipant(fetched.State, fetched.Version, id, id == participantId ? null : participantId);
            }
            id = into.Value;
        }
    }

    /// <summary>The ETag of a stream version, e.g. <c>"3"</c>.</summary>
    public static string ETag(long version) => $"\"{version}\"";

    /// <summary>The version an <c>If-Match</c> header names; null without one, -1 when it names none we issue.</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var tag = value.Trim();
        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"' && long.TryParse(tag[1..^1], out var version) ? version : -1;
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Refused(DomainRuleViolationException violation) =>
        ServiceDefaults.Problems.RuleViolated(violation.Rule, violation.Message);
}
