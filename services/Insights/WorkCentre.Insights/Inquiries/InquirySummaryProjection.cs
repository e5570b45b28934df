using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;

namespace WorkCentre.Insights.Inquiries;

/// <summary>Inquiries per channel and question domain.</summary>
public sealed class InquirySummaryProjection : IProjection, IReadModelSchema
{
    public const string Table = "insights.inquiry_summary";

    public string Name => "inquiry-summary";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            create schema if not exists insights;
            create table if not exists {Table} (
                channel text not null, domain text not null, inquiries bigint not null, primary key (channel, domain));
            """, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        var counts = events.Select(e => e.Data).OfType<InquiryRegistered>().CountBy(e => (e.Channel, e.Domain)).ToArray();
        if (counts.Length == 0)
        {
            return;
        }
        await using var cmd = new NpgsqlCommand(
            $"insert into {Table} (channel, domain, inquiries) select * from unnest($1, $2, $3) " +
            $"on conflict (channel, domain) do update set inquiries = {Table}.inquiries + excluded.inquiries", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = counts.Select(c => c.Key.Channel.ToString()).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = counts.Select(c => c.Key.Domain.ToString()).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = counts.Select(c => (long)c.Value).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"truncate {Table}", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
