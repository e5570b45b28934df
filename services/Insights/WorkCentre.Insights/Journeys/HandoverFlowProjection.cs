using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;

namespace WorkCentre.Insights.Journeys;

/// <summary>
/// One row per handover with when each step happened, for handover health per partner (requested, accepted, declined,
/// stalled, time to acceptance). Ids and dates only: an erasure in intake changes nothing here.
/// </summary>
public sealed class HandoverFlowProjection : IProjection, IReadModelSchema
{
    public const string Table = "insights.handover_flow";

    public string Name => "handover-flow";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            create schema if not exists insights;
            create table if not exists {Table} (
                handover_id uuid primary key, to_organisation_id uuid, reason_code text, requested_at timestamptz, accepted_at timestamptz,
                declined_at timestamptz, withdrawn_at timestamptz, first_contact_at timestamptz, stalled_at timestamptz, expired_at timestamptz,
                closed_at timestamptz, outcome text);
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var data in events.Select(e => e.Data))
        {
            var (id, column, at) = data switch
            {
                HandoverRequested e => (e.HandoverId, "requested_at", e.OccurredAt),
                HandoverAccepted e => (e.HandoverId, "accepted_at", e.OccurredAt),
                HandoverDeclined e => (e.HandoverId, "declined_at", e.OccurredAt),
                HandoverWithdrawn e => (e.HandoverId, "withdrawn_at", e.OccurredAt),
                HandoverFirstContactConfirmed e => (e.HandoverId, "first_contact_at", e.OccurredAt),
                HandoverStalled e => (e.HandoverId, "stalled_at", e.OccurredAt),
                HandoverExpired e => (e.HandoverId, "expired_at", e.OccurredAt),
                HandoverClosed e => (e.HandoverId, "closed_at", e.OccurredAt),
                _ => (Guid.Empty, null, default),
            };
            if (column is null)
            {
                continue;
            }
            // Events of one handover may arrive in any order across queues; each fills its own column.
            await using var cmd = new NpgsqlCommand(
                $"insert into {Table} (handover_id, {column}) values ($1, $2) on conflict (handover_id) do update set {column} = excluded.{column}",
                connection, transaction);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            await cmd.ExecuteNonQueryAsync(ct);
            if (data is HandoverRequested requested)
            {
                await using var details = new NpgsqlCommand($"update {Table} set to_organisation_id = $2, reason_code = $3 where handover_id = $1", connection, transaction);
                details.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
                details.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = requested.ToOrganisationId });
                details.Parameters.Add(new NpgsqlParameter<string> { TypedValue = requested.ReasonCode.ToString() });
                await details.ExecuteNonQueryAsync(ct);
            }
            if (data is HandoverClosed { Outcome: { } outcome })
            {
                await using var closed = new NpgsqlCommand($"update {Table} set outcome = $2 where handover_id = $1", connection, transaction);
                closed.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
                closed.Parameters.Add(new NpgsqlParameter<string> { TypedValue = outcome.ToString() });
                await closed.ExecuteNonQueryAsync(ct);
            }
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"truncate {Table}", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
