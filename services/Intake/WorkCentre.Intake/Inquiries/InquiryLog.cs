using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Inquiries;

/// <summary>An inquiry as advisors list it: where, what about, how far along. The question text is not here.</summary>
public sealed record InquiryView(
    Guid InquiryId, DateTimeOffset RegisteredAt, InquiryChannel Channel, RequesterType RequesterType, QuestionDomain Domain, string Municipality,
    string Location, string? Organisation, InquiryStatus Status, InquiryOutcome? Outcome, Guid? ParticipantId, Guid? CampaignId, long Version);

public sealed record InquiryFilter(InquiryStatus? Status, string? Municipality, QuestionDomain? Domain, DateOnly? From, DateOnly? To, string? Organisation);

/// <summary>The inquiries as a table for the advisors' paged list with filters, kept inline with the streams.</summary>
public sealed class InquiryLog(NpgsqlDataSource database) : IProjection, IReadModelSchema
{
    private const string Columns = "inquiry_id, registered_at, channel, requester_type, domain, municipality, location, organisation, status, outcome, " +
        "participant_id, campaign_id, version";

    public string Name => "inquiry-log";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            create schema if not exists intake;
            create table if not exists intake.inquiries (
                inquiry_id uuid primary key, registered_at timestamptz not null, channel text not null, requester_type text not null,
                domain text not null, municipality text not null, location text not null, organisation text, status text not null,
                outcome text, participant_id uuid, campaign_id uuid, version bigint not null);
            create index if not exists inquiries_by_date on intake.inquiries (registered_at desc);
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var envelope in events)
        {
            var (sql, values) = envelope.Data switch
            {
                InquiryRegistered e => ($"insert into intake.inquiries ({Columns}) values ($1, $2, $3, $4, $5, $6, $7, $8, 'Open', null, null, null, $9) on conflict do nothing",
                    new object?[] { e.InquiryId, e.OccurredAt, e.Channel.ToString(), e.RequesterType.ToString(), e.Domain.ToString(), e.Municipality, e.Location,
                        e.Organisation, envelope.Version }),
                InquiryAnswered e => ("update intake.inquiries set status = 'Answered', version = $2 where inquiry_id = $1", [e.InquiryId, envelope.Version]),
                InquiryForwardedToEmployerService e => ("update intake.inquiries set status = 'Forwarded', version = $2 where inquiry_id = $1", [e.InquiryId, envelope.Version]),
                InquiryTurnedIntoIntake e => ("update intake.inquiries set status = 'TurnedIntoIntake', participant_id = $3, version = $2 where inquiry_id = $1",
                    [e.InquiryId, envelope.Version, e.ParticipantId]),
                InquiryLinkedToCampaign e => ("update intake.inquiries set campaign_id = $3, version = $2 where inquiry_id = $1", [e.InquiryId, envelope.Version, e.CampaignId]),
                InquiryClosed e => ("update intake.inquiries set status = 'Closed', outcome = $3, version = $2 where inquiry_id = $1",
                    [e.InquiryId, envelope.Version, e.Outcome.ToString()]),
                _ => (null, Array.Empty<object?>()),
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
        await using var cmd = new NpgsqlCommand("truncate intake.inquiries", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<InquiryView?> GetAsync(Guid inquiryId, CancellationToken ct) =>
        (await QueryAsync("inquiry_id = $1", [inquiryId], new Paging(1, 1), ct)).Items is [var found] ? found : null;

    /// <summary>Newest first; dates are Dutch calendar days, <paramref name="filter"/>'s <c>To</c> included.</summary>
    public Task<Page<InquiryView>> ListAsync(InquiryFilter filter, Paging paging, CancellationToken ct) =>
        QueryAsync(
            "($1::text is null or status = $1) and ($2::text is null or lower(municipality) = lower($2)) and ($3::text is null or domain = $3) " +
            "and ($4::timestamptz is null or registered_at >= $4) and ($5::timestamptz is null or registered_at < $5) and ($6::text is null or organisation = $6)",
            [filter.Status?.ToString(), filter.Municipality, filter.Domain?.ToString(), StartOf(filter.From), StartOf(filter.To?.AddDays(1)), filter.Organisation],
            paging, ct);

    private static DateTimeOffset? StartOf(DateOnly? day) => day is { } d
        ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), Calendar.DutchTime.Zone.GetUtcOffset(d.ToDateTime(TimeOnly.MinValue))).ToUniversalTime()
        : null;

    private async Task<Page<InquiryView>> QueryAsync(string where, object?[] values, Paging paging, CancellationToken ct)
    {
        await using var cmd = database.CreateCommand(
            $"select {Columns}, count(*) over () from intake.inquiries where {where} order by registered_at desc, inquiry_id limit {paging.PageSize} offset {paging.Offset}");
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ReadModelSql.Parameter(value) });
        }
        var items = new List<InquiryView>();
        long total = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            total = reader.GetInt64(13);
            items.Add(new InquiryView(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1), Enum.Parse<InquiryChannel>(reader.GetString(2)),
                Enum.Parse<RequesterType>(reader.GetString(3)), Enum.Parse<QuestionDomain>(reader.GetString(4)), reader.GetString(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), Enum.Parse<InquiryStatus>(reader.GetString(8)),
                reader.IsDBNull(9) ? null : Enum.Parse<InquiryOutcome>(reader.GetString(9)), reader.IsDBNull(10) ? null : reader.GetGuid(10),
                reader.IsDBNull(11) ? null : reader.GetGuid(11), reader.GetInt64(12)));
        }
        return new Page<InquiryView>(items, paging.PageNumber, paging.PageSize, total);
    }
}
