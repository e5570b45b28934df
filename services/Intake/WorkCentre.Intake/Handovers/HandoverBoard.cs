using System.Text.Json;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake.Handovers;

/// <summary>A handover as the inboxes list it: ids, codes, dates and status, nothing that identifies the person.</summary>
public sealed record HandoverView(
    Guid HandoverId, Guid ParticipantId, Guid JourneyId, HandoverDirection Direction, Guid FromOrganisationId, Guid ToOrganisationId, Guid ToInboxId,
    HandoverStatus Status, HandoverReasonCode ReasonCode, IReadOnlyList<DataCategory> SharedCategories, DateTimeOffset RequestedAt, DateTimeOffset DueAt,
    DateTimeOffset ExpiresAt, bool Overdue, DateTimeOffset? StalledAt, DateOnly? PlannedFirstContact, DateOnly? ContactedOn,
    DeclineReason? DeclineReason, Guid? AlternativeInboxId, string? AlternativeProgramme, HandoverOutcome? Outcome,
    Guid? PreviousHandoverId, Guid? NextHandoverId, long Version);

/// <summary>
/// Every handover's current standing, kept inline so a request shows in the partner's inbox the moment it commits.
/// Inboxes list overdue handovers first, then by due date.
/// </summary>
public sealed class HandoverBoard(NpgsqlDataSource database) : IProjection, IReadModelSchema
{
    private const string Columns =
        "handover_id, participant_id, journey_id, direction, from_organisation_id, to_organisation_id, to_inbox_id, status, reason_code, " +
        "shared_categories, requested_at, due_at, expires_at, stalled_at, planned_first_contact, contacted_on, decline_reason, " +
        "alternative_inbox_id, alternative_programme, outcome, previous_handover_id, next_handover_id, version";

    public string Name => "handover-board";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            create schema if not exists intake;
            create table if not exists intake.handovers (
                handover_id uuid primary key, participant_id uuid not null, journey_id uuid not null, direction text not null,
                from_organisation_id uuid not null, to_organisation_id uuid not null, to_inbox_id uuid not null, status text not null,
                reason_code text not null, shared_categories text[] not null, requested_at timestamptz not null, due_at timestamptz not null,
                expires_at timestamptz not null, stalled_at timestamptz, planned_first_contact date, contacted_on date, decline_reason text,
                alternative_inbox_id uuid, alternative_programme text, outcome text, previous_handover_id uuid, next_handover_id uuid,
                version bigint not null);
            create index if not exists handovers_inbound on intake.handovers (to_organisation_id, status, due_at);
            create index if not exists handovers_outbound on intake.handovers (from_organisation_id, status, due_at);
            create index if not exists handovers_by_participant on intake.handovers (participant_id);
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var envelope in events)
        {
            var (sql, values) = envelope.Data switch
            {
                HandoverRequested e => ($"insert into intake.handovers ({Columns}) values ($1, $2, $3, $4, $5, $6, $7, 'Requested', $8, $9, $10, $11, $12, " +
                    "null, null, null, null, null, null, null, $13, null, $14) on conflict do nothing",
                    new object?[] { e.HandoverId, e.ParticipantId, e.JourneyId, e.Direction.ToString(), e.FromOrganisationId, e.ToOrganisationId, e.ToInboxId,
                        e.Reason.Code.ToString(), (e.Summary.Lines?.Keys ?? []).Order().Select(c => c.ToString()).ToArray(), e.OccurredAt, e.DueAt, e.ExpiresAt,
                        e.PreviousHandoverId, envelope.Version }),
                HandoverAccepted e => ("update intake.handovers set status = 'Accepted', planned_first_contact = $2 where handover_id = $1",
                    [e.HandoverId, e.PlannedFirstContact]),
                HandoverDeclined e => ("update intake.handovers set status = 'Declined', decline_reason = $2, alternative_inbox_id = $3, alternative_programme = $4 " +
                    "where handover_id = $1", [e.HandoverId, e.Reason.ToString(), e.AlternativeInboxId, e.AlternativeProgramme]),
                HandoverWithdrawn e => ("update intake.handovers set status = 'Withdrawn' where handover_id = $1", [e.HandoverId]),
                FirstContactConfirmed e => ("update intake.handovers set status = 'FirstContactConfirmed', contacted_on = $2 where handover_id = $1",
                    [e.HandoverId, e.ContactedOn]),
                HandoverClosed e => ("update intake.handovers set status = 'Closed', outcome = $2 where handover_id = $1", [e.HandoverId, e.Outcome.ToString()]),
                HandoverStalled e => ("update intake.handovers set stalled_at = $2 where handover_id = $1", [e.HandoverId, e.OccurredAt]),
                HandoverExpired e => ("update intake.handovers set status = 'Expired' where handover_id = $1", [e.HandoverId]),
                HandoverRerouted e => ("update intake.handovers set status = 'Rerouted', next_handover_id = $2 where handover_id = $1", [e.HandoverId, e.NewHandoverId]),
                _ => (null, Array.Empty<object?>()),
            };
            if (sql is null)
            {
                continue;
            }
            if (envelope.Data is not HandoverRequested)
            {
                // Every change moves the version the inbox shows, so a partner can answer straight from the list with If-Match.
                sql = sql.Replace(" where handover_id = $1", $", version = ${values.Length + 1} where handover_id = $1", StringComparison.Ordinal);
                values = [.. values, envelope.Version];
            }
            await ReadModelSql.ExecuteAsync(connection, transaction, sql, values, ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("truncate intake.handovers", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<HandoverView?> GetAsync(Guid handoverId, DateTimeOffset now, CancellationToken ct) =>
        (await QueryAsync("handover_id = $2", "handover_id", new Paging(1, 1), now, ct, handoverId)).Items is [var found] ? found : null;

    /// <summary>
    /// Handovers addressed to the inboxes of <paramref name="organisations"/> (the caller's own and its partnerships'),
    /// open ones unless a status is named; overdue first, then by due date.
    /// </summary>
    public Task<Page<HandoverView>> InboxAsync(IReadOnlyList<Guid> organisations, Guid? inboxId, HandoverStatus? status, Paging paging, DateTimeOffset now, CancellationToken ct) =>
        QueryAsync(
            "to_organisation_id = any($2) and ($3::uuid is null or to_inbox_id = $3) and " +
            "(case when $4::text is null then status in ('Requested', 'Accepted', 'FirstContactConfirmed') else status = $4 end)",
            "(status = 'Requested' and due_at <= $1) desc, due_at, handover_id", paging, now, ct,
            organisations.ToArray(), (object?)inboxId ?? DBNull.Value, (object?)status?.ToString() ?? DBNull.Value);

    /// <summary>What <paramref name="organisation"/> handed over, stalled ones first: the sender stays responsible until acceptance.</summary>
    public Task<Page<HandoverView>> SentAsync(Guid organisation, HandoverStatus? status, Paging paging, DateTimeOffset now, CancellationToken ct) =>
        QueryAsync(
            "from_organisation_id = $2 and (case when $3::text is null then status in ('Requested', 'Accepted', 'FirstContactConfirmed') else status = $3 end)",
            "(status = 'Requested' and stalled_at is not null) desc, (status = 'Requested' and due_at <= $1) desc, due_at, handover_id", paging, now, ct,
            organisation, (object?)status?.ToString() ?? DBNull.Value);

    private async Task<Page<HandoverView>> QueryAsync(string where, string orderBy, Paging paging, DateTimeOffset now, CancellationToken ct, params object?[] values)
    {
        await using var cmd = database.CreateCommand(
            $"select {Columns}, (status = 'Requested' and due_at <= $1), count(*) over () from intake.handovers where {where} " +
            $"order by {orderBy} limit {paging.PageSize} offset {paging.Offset}");
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = ReadModelSql.Parameter(value) });
        }
        var items = new List<HandoverView>();
        long total = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            total = reader.GetInt64(24);
            items.Add(new HandoverView(
                reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), Enum.Parse<HandoverDirection>(reader.GetString(3)), reader.GetGuid(4),
                reader.GetGuid(5), reader.GetGuid(6), Enum.Parse<HandoverStatus>(reader.GetString(7)), Enum.Parse<HandoverReasonCode>(reader.GetString(8)),
                [.. reader.GetFieldValue<string[]>(9).Select(Enum.Parse<DataCategory>)], reader.GetFieldValue<DateTimeOffset>(10),
                reader.GetFieldValue<DateTimeOffset>(11), reader.GetFieldValue<DateTimeOffset>(12), reader.GetBoolean(23),
                reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13), reader.IsDBNull(14) ? null : reader.GetFieldValue<DateOnly>(14),
                reader.IsDBNull(15) ? null : reader.GetFieldValue<DateOnly>(15), reader.IsDBNull(16) ? null : Enum.Parse<DeclineReason>(reader.GetString(16)),
                reader.IsDBNull(17) ? null : reader.GetGuid(17), reader.IsDBNull(18) ? null : reader.GetString(18),
                reader.IsDBNull(19) ? null : Enum.Parse<HandoverOutcome>(reader.GetString(19)), reader.IsDBNull(20) ? null : reader.GetGuid(20),
                reader.IsDBNull(21) ? null : reader.GetGuid(21), reader.GetInt64(22)));
        }
        return new Page<HandoverView>(items, paging.PageNumber, paging.PageSize, total);
    }
}

/// <summary>
/// The two clocks of a handover: the inbox's service level in working days (then it stalls and is escalated to the
/// sender) and a longer limit (then it expires). Both are timers scheduled with the request.
/// </summary>
public sealed class HandoverClocks(EventStore.EventStore store, TimeProvider time) : ITimerHandler
{
    public const string TimerKind = "handover-clock";

    /// <summary>Unanswered for this many working days, a handover expires, however long the inbox's service level.</summary>
    public const int ExpiryWorkingDays = 20;

    public enum Deadline { ServiceLevel, Expiry }

    public sealed record Due(Guid HandoverId, Deadline Deadline);

    public string Kind => TimerKind;

    public async Task FireAsync(JsonElement payload, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var due = payload.Deserialize<Due>(MessagingJson.Options)!;
        var (state, version) = await store.FetchForWritingAsync(due.HandoverId, Handover.Initial, Handover.Evolve, ct);
        HandoverCommand command = due.Deadline == Deadline.ServiceLevel
            ? new HandoverCommand.MarkStalled(due.HandoverId, time.GetUtcNow())
            : new HandoverCommand.MarkExpired(due.HandoverId, time.GetUtcNow());
        var events = Handover.Decide(command, state);
        if (events.Count == 0)
        {
            return;
        }
        var metadata = new EventMetadata { Actor = "timer", CorrelationId = (state as Handover.Known)?.JourneyId.ToString() };
        await store.OpenSession(connection, transaction, metadata).Append(Handover.StreamType, due.HandoverId, version, events).SaveChangesAsync(ct);
    }

    /// <summary>
    /// When a handover requested at <paramref name="requestedAt"/> is due: the same time of day, <paramref name="workingDays"/> Dutch
    /// working days later, counted on the calendar of the Netherlands, not of the server.
    /// </summary>
    public static DateTimeOffset DueAfter(DateTimeOffset requestedAt, int workingDays, Calendar.WorkingDays calendar)
    {
        var local = TimeZoneInfo.ConvertTime(requestedAt, Calendar.DutchTime.Zone);
        var day = calendar.AddWorkingDays(DateOnly.FromDateTime(local.DateTime), workingDays);
        var dueLocal = day.ToDateTime(TimeOnly.FromDateTime(local.DateTime));
        return new DateTimeOffset(dueLocal, Calendar.DutchTime.Zone.GetUtcOffset(dueLocal)).ToUniversalTime();
    }
}
