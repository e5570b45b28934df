using MassTransit;
using Npgsql;
using WorkCentre.Contracts.EmployerService;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Intake.Inquiries;
using WorkCentre.Messaging;

namespace WorkCentre.Intake.Campaigns;

public sealed record CampaignView(
    Guid CampaignId, Guid EmployerId, string EmployerName, string Municipality, int ExpectedAffectedWorkers, DateOnly EffectiveOn, DateTimeOffset OpenedAt,
    int Inquiries, int Participants);

/// <summary>Each campaign's progress: how many of the expected workers came in with a question and how many became participants.</summary>
public sealed class CampaignProgress(NpgsqlDataSource database) : IProjection, IReadModelSchema
{
    public string Name => "campaign-progress";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            create schema if not exists intake;
            create table if not exists intake.campaigns (
                campaign_id uuid primary key, employer_id uuid not null, employer_name text not null, municipality text not null,
                expected int not null, effective_on date not null, opened_at timestamptz not null, inquiries int not null default 0,
                participants int not null default 0);
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var data in events.Select(e => e.Data))
        {
            var (sql, values) = data switch
            {
                CampaignOpened e => ("insert into intake.campaigns values ($1, $2, $3, $4, $5, $6, $7, 0, 0) on conflict do nothing",
                    new object[] { e.CampaignId, e.EmployerId, e.EmployerName, e.Municipality, e.ExpectedAffectedWorkers, e.EffectiveOn, e.OccurredAt }),
                CampaignParticipantLinked e => ("update intake.campaigns set participants = participants + 1 where campaign_id = $1", [e.CampaignId]),
                InquiryLinkedToCampaign e => ("update intake.campaigns set inquiries = inquiries + 1 where campaign_id = $1", [e.CampaignId]),
                _ => (null, []),
            };
            if (sql is null)
            {
                continue;
            }
            await ReadModelSql.ExecuteAsync(connection, transaction, sql, values, ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("truncate intake.campaigns", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<CampaignView>> ListAsync(Guid? campaignId, CancellationToken ct)
    {
        await using var cmd = database.CreateCommand(
            "select campaign_id, employer_id, employer_name, municipality, expected, effective_on, opened_at, inquiries, participants from intake.campaigns " +
            "where $1::uuid is null or campaign_id = $1 order by opened_at desc limit 500");
        cmd.Parameters.Add(new NpgsqlParameter { Value = ReadModelSql.Parameter(campaignId) });
        var found = new List<CampaignView>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found.Add(new CampaignView(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetFieldValue<DateOnly>(5), reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7), reader.GetInt32(8)));
        }
        return found;
    }
}

/// <summary>Opens a bulk-intake campaign when the employer service announces redundancies; a redelivery opens nothing new.</summary>
public sealed class RedundancyAnnouncedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<RedundancyAnnouncedConsumer> logger)
    : InboxBatchConsumer<RedundancyAnnounced>(dataSource, logger)
{
    protected override async Task HandleAsync(ConsumeContext<RedundancyAnnounced> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var m = context.Message;
        var (state, version) = await store.FetchForWritingAsync(m.AnnouncementId, Campaign.Initial, Campaign.Evolve, ct);
        var events = Campaign.Decide(new CampaignCommand.Open(m.AnnouncementId, m.EmployerId, m.EmployerName, m.Municipality, m.ExpectedAffectedWorkers, m.EffectiveOn,
            m.OccurredAt), state);
        if (events.Count == 0)
        {
            return;
        }
        var metadata = new EventMetadata { CausationId = context.MessageId?.ToString(), Actor = context.Headers.Get<string>(EventForwarder.Headers.Source) };
        await store.OpenSession(connection, transaction, metadata).Append(Campaign.StreamType, m.AnnouncementId, version, events).SaveChangesAsync(ct);
    }
}
