using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;
using WorkCentre.Privacy;

namespace WorkCentre.Intake.Participants;

/// <summary>A duplicate-detection key of a participant: what it was derived from and its blind-index hash.</summary>
public sealed record MatchKey(string Kind, byte[] Hash)
{
    public const string BsnKind = "bsn";
    public const string PersonKind = "person";
}

/// <summary>
/// The duplicate-detection keys of every participant that is not erased, as keyed hashes (<see cref="BlindIndex"/>),
/// never in clear: same BSN, or same normalised name + date of birth + postcode (<see cref="PersonMatch"/>). Kept inline,
/// in the append's transaction, so a registration that checked under the key's lock sees every earlier one. A merged
/// participant's keys move to the survivor; an erased participant's keys are deleted with its key.
/// </summary>
public sealed class ParticipantMatchKeys(BlindIndex index) : IProjection, IReadModelSchema
{
    public const string Table = "intake.participant_match_keys";

    public string Name => "participant-match-keys";

    public static IReadOnlyList<MatchKey> Of(BlindIndex index, PersonalDetails details)
    {
        var keys = new List<MatchKey>(2);
        if (details.Bsn is { Length: > 0 } bsn && !PersonalData.IsErased(bsn))
        {
            keys.Add(new MatchKey(MatchKey.BsnKind, index.Hash("participant.bsn", bsn)));
        }
        if (details.DateOfBirth is { } born && !PersonalData.IsErased(details.FamilyName) && !PersonalData.IsErased(details.Postcode))
        {
            var match = PersonMatch.Of(string.Join(' ', details.GivenName, details.Prefix, details.FamilyName), born, details.Postcode);
            keys.Add(new MatchKey(MatchKey.PersonKind, index.Hash("participant.person", $"{match.Name}|{match.DateOfBirth:yyyy-MM-dd}|{match.Postcode}")));
        }
        return keys;
    }

    /// <summary>
    /// Takes a transaction-scoped advisory lock per key, in one order for every caller: two registrations of the same
    /// person wait for each other, and the second one's duplicate check sees the first one's keys.
    /// </summary>
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<MatchKey> keys, CancellationToken ct)
    {
        var locks = keys.Select(k => BitConverter.ToInt64(k.Hash, 0)).Distinct().Order().ToArray();
        if (locks.Length == 0)
        {
            return;
        }
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(k) from unnest($1::bigint[]) with ordinality as t(k, n) order by n", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = locks });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The participants holding any of the keys, with the kinds they matched on.</summary>
    public static async Task<IReadOnlyList<(Guid ParticipantId, string Kind)>> FindAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<MatchKey> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return [];
        }
        await using var cmd = new NpgsqlCommand(
            $"select distinct m.participant_id, m.kind from {Table} m join unnest($1::text[], $2::bytea[]) as k(kind, hash) " +
            "on m.kind = k.kind and m.hash = k.hash order by m.participant_id, m.kind", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = keys.Select(k => k.Kind).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = keys.Select(k => k.Hash).ToArray() });
        var found = new List<(Guid, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        return found;
    }

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            create schema if not exists intake;
            create table if not exists {Table} (
                participant_id uuid not null,
                kind text not null,
                hash bytea not null,
                primary key (participant_id, kind, hash));
            create index if not exists participant_match_keys_hash on {Table} (kind, hash);
            """, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ParticipantRegistered r:
                    var keys = Of(index, new PersonalDetails(r.GivenName, r.Prefix, r.FamilyName, r.DateOfBirth, r.Email, r.Phone, r.Postcode, r.Bsn));
                    await ExecuteAsync(connection, transaction, ct,
                        ($"insert into {Table} (participant_id, kind, hash) select $1, k, h from unnest($2::text[], $3::bytea[]) as t(k, h) on conflict do nothing",
                            [r.ParticipantId, keys.Select(k => k.Kind).ToArray(), keys.Select(k => k.Hash).ToArray()]));
                    break;
                case ParticipantMerged m:
                    // Later registrations of the person find the survivor, which is where reads go anyway.
                    await ExecuteAsync(connection, transaction, ct,
                        ($"insert into {Table} (participant_id, kind, hash) select $2, kind, hash from {Table} where participant_id = $1 on conflict do nothing",
                            [m.ParticipantId, m.IntoParticipantId]),
                        ($"delete from {Table} where participant_id = $1", [m.ParticipantId]));
                    break;
                case ParticipantErased x:
                    await ExecuteAsync(connection, transaction, ct, ($"delete from {Table} where participant_id = $1", [x.ParticipantId]));
                    break;
            }
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        await ExecuteAsync(connection, transaction, ct, ($"truncate {Table}", []));

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct, params (string Sql, object[] Values)[] statements)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (sql, values) in statements)
        {
            var cmd = new NpgsqlBatchCommand(sql);
            foreach (var value in values)
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            }
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }
}
