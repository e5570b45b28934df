using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;

namespace WorkCentre.Insights.Participants;

/// <summary>
/// How many people intake registered: registrations minus merges (a merge says two records were one person). Erasures are
/// counted too but take nobody away: the person was helped, only their personal data is gone.
/// </summary>
public sealed class ParticipantCountProjection : IProjection, IReadModelSchema
{
    public const string Table = "insights.participant_count";

    public string Name => "participant-count";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            create schema if not exists insights;
            create table if not exists {Table} (
                id int primary key default 1 check (id = 1),
                registered bigint not null, merged bigint not null, erased bigint not null,
                participants bigint generated always as (registered - merged) stored);
            """, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        var data = events.Select(e => e.Data).ToList();
        var (registered, merged, erased) = (data.OfType<ParticipantRegistered>().Count(), data.OfType<ParticipantsMerged>().Count(), data.OfType<DataSubjectErased>().Count());
        if (registered + merged + erased == 0)
        {
            return;
        }
        await using var cmd = new NpgsqlCommand(
            $"insert into {Table} (id, registered, merged, erased) values (1, $1, $2, $3) on conflict (id) do update set " +
            $"registered = {Table}.registered + excluded.registered, merged = {Table}.merged + excluded.merged, erased = {Table}.erased + excluded.erased",
            connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = registered });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = merged });
        cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = erased });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"truncate {Table}", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
