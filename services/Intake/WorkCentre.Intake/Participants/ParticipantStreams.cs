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

    /// <summary>Whether a participant stream exists; consent, handovers, inquiries and campaigns are about a registered participant.</summary>
    public static async Task<bool> ParticipantExistsAsync(this EventStore.EventStore store, Guid participantId, CancellationToken ct)
    {
        await using var cmd = store.DataSource.CreateCommand($"select exists (select 1 from {store.Options.Schema}.streams where id = $1 and type = $2)");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = participantId });
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = Participant.StreamType });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The version an <c>If-Match</c> header names; null without one, -1 when it names none we issue.</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(value) ? null : ETags.Parse(value) ?? -1;
    }
}
