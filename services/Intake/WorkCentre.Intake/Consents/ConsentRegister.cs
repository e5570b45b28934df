using System.Text.Json;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;

namespace WorkCentre.Intake.Consents;

public sealed record ConsentView(
    Guid ConsentId, Guid ParticipantId, ConsentPurpose Purpose, Guid? RecipientOrganisationId, string? RecipientCategory, LegalBasis LegalBasis,
    IReadOnlyList<DataCategory> DataCategories, CollectionMethod CollectionMethod, DateTimeOffset GivenAt, DateTimeOffset ExpiresAt,
    ConsentStatus Status, DateTimeOffset? EndedAt, Guid? Replaces, Guid? ReplacedBy);

/// <summary>
/// Consents by participant, kept inline so a withdrawal stops sharing with the very next request. Holds ids, purposes
/// and categories only: nothing here identifies a person.
/// </summary>
public sealed class ConsentRegister(NpgsqlDataSource database) : IProjection, IReadModelSchema
{
    public string Name => "consent-register";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            create schema if not exists intake;
            create table if not exists intake.consents (
                consent_id uuid primary key, participant_id uuid not null, purpose text not null, recipient_organisation_id uuid,
                recipient_category text, legal_basis text not null, data_categories text[] not null, collection_method text not null,
                given_at timestamptz not null, expires_at timestamptz not null, status text not null, ended_at timestamptz,
                replaces uuid, replaced_by uuid);
            create index if not exists consents_by_participant on intake.consents (participant_id, purpose);
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        const string Ended = "update intake.consents set status = $2, ended_at = $3, replaced_by = $4 where consent_id = $1";
        foreach (var envelope in events)
        {
            var (sql, values) = envelope.Data switch
            {
                ConsentGiven e => ("insert into intake.consents values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'Given', null, $11, null) on conflict do nothing",
                    new object?[] { e.ConsentId, e.ParticipantId, e.Terms.Purpose.ToString(), e.Terms.RecipientOrganisationId, e.Terms.RecipientCategory,
                        e.Terms.LegalBasis.ToString(), e.Terms.DataCategories.Select(c => c.ToString()).ToArray(), e.Terms.CollectionMethod.ToString(),
                        e.OccurredAt, e.Terms.ExpiresAt, e.Replaces }),
                ConsentWithdrawn e => (Ended, [e.ConsentId, nameof(ConsentStatus.Withdrawn), e.OccurredAt, null]),
                ConsentExpired e => (Ended, [e.ConsentId, nameof(ConsentStatus.Expired), e.OccurredAt, null]),
                ConsentReplaced e => (Ended, [e.ConsentId, nameof(ConsentStatus.Replaced), e.OccurredAt, e.ReplacedBy]),
                _ => (null, []),
            };
            if (sql is not null)
            {
                await ReadModelSql.ExecuteAsync(connection, transaction, sql, values, ct);
            }
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("truncate intake.consents", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The consent in force now for sharing the participant's dossier with <paramref name="recipients"/> (the inbox's
    /// organisation and, for a partnership, the partnership itself), or null. Expiry counts even before its timer fires.
    /// </summary>
    public async Task<ConsentView?> InForceForHandoverAsync(Guid participantId, IReadOnlyList<Guid> recipients, DateTimeOffset now, CancellationToken ct) =>
        await QueryAsync("participant_id = $1 and purpose = 'Handover' and status = 'Given' and expires_at > $2 and recipient_organisation_id = any($3) " +
            "order by given_at desc limit 1", ct, participantId, now, recipients.ToArray()) is [var consent, ..] ? consent : null;

    public async Task<IReadOnlyList<ConsentView>> OfParticipantAsync(Guid participantId, CancellationToken ct) =>
        await QueryAsync("participant_id = $1 order by given_at desc", ct, participantId);

    private async Task<IReadOnlyList<ConsentView>> QueryAsync(string where, CancellationToken ct, params object[] values)
    {
        await using var cmd = database.CreateCommand(
            "select consent_id, participant_id, purpose, recipient_organisation_id, recipient_category, legal_basis, data_categories, " +
            "collection_method, given_at, expires_at, status, ended_at, replaces, replaced_by from intake.consents where " + where);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ReadModelSql.Parameter(value) });
        }
        var found = new List<ConsentView>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(new ConsentView(
                reader.GetGuid(0), reader.GetGuid(1), Enum.Parse<ConsentPurpose>(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                Enum.Parse<LegalBasis>(reader.GetString(5)), [.. reader.GetFieldValue<string[]>(6).Select(Enum.Parse<DataCategory>)],
                Enum.Parse<CollectionMethod>(reader.GetString(7)), reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                Enum.Parse<ConsentStatus>(reader.GetString(10)), reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetGuid(12), reader.IsDBNull(13) ? null : reader.GetGuid(13)));
        }
        return found;
    }
}

/// <summary>Ends a consent at its expiry: the register already refuses it from that moment; this makes it a fact on the stream.</summary>
public sealed class ConsentExpiry(EventStore.EventStore store, TimeProvider time) : ITimerHandler
{
    public const string TimerKind = "consent-expiry";

    public sealed record Due(Guid ConsentId);

    public string Kind => TimerKind;

    public async Task FireAsync(JsonElement payload, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var due = payload.Deserialize<Due>(MessagingJson.Options)!;
        var (state, version) = await store.FetchForWritingAsync(due.ConsentId, Consent.Initial, Consent.Evolve, ct);
        var events = Consent.Decide(new ConsentCommand.Expire(due.ConsentId, time.GetUtcNow()), state);
        if (events.Count == 0)
        {
            return;
        }
        await store.OpenSession(connection, transaction, new EventMetadata { Actor = "timer" })
            .Append(Consent.StreamType, due.ConsentId, version, events).SaveChangesAsync(ct);
    }
}
