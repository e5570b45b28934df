using Npgsql;
using NpgsqlTypes;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Messaging;

namespace WorkCentre.Intake.Organisations;

public sealed record InboxEntry(Guid InboxId, string Name, int ServiceLevelWorkingDays);

public sealed record OrganisationEntry(
    Guid OrganisationId, string Code, string Name, OrganisationType Type, ParticipationDepth Depth,
    IReadOnlyList<Guid> Members, bool Active, IReadOnlyList<InboxEntry> Inboxes)
{
    public bool IsPartnership => Members.Count > 0;

    /// <summary>Whether staff of <paramref name="legalEntity"/> work this organisation's inboxes: its own, or a partnership's it is a member of.</summary>
    public bool IsWorkedBy(Guid legalEntity) => OrganisationId == legalEntity || Members.Contains(legalEntity);
}

/// <summary>
/// The partner organisations and their open inboxes as tables, kept inline with the organisation streams so an
/// admin's change is in force for the next request. Staff tokens name their organisation by code.
/// </summary>
public sealed class OrganisationDirectory(NpgsqlDataSource database) : IProjection, IReadModelSchema
{
    public string Name => "organisation-directory";

    public async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            create schema if not exists intake;
            create table if not exists intake.organisations (
                organisation_id uuid primary key, code text not null unique, name text not null, type text not null,
                depth text not null, members uuid[] not null, active boolean not null);
            create table if not exists intake.inboxes (
                inbox_id uuid primary key, organisation_id uuid not null references intake.organisations,
                name text not null, service_level_days int not null);
            """, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var envelope in events)
        {
            var (sql, parameters) = envelope.Data switch
            {
                OrganisationRegistered e => (
                    "insert into intake.organisations values ($1, $2, $3, $4, $5, $6, true) on conflict do nothing",
                    new object[] { e.OrganisationId, e.Code, e.Name, e.Type.ToString(), e.Depth.ToString(), e.Members.ToArray() }),
                InboxOpened e => ("insert into intake.inboxes values ($1, $2, $3, $4) on conflict do nothing",
                    [e.InboxId, e.OrganisationId, e.Name, e.ServiceLevelWorkingDays]),
                InboxServiceLevelChanged e => ("update intake.inboxes set service_level_days = $2 where inbox_id = $1", [e.InboxId, e.ServiceLevelWorkingDays]),
                InboxClosed e => ("delete from intake.inboxes where inbox_id = $1", [e.InboxId]),
                ParticipationDepthChanged e => ("update intake.organisations set depth = $2 where organisation_id = $1", [e.OrganisationId, e.Depth.ToString()]),
                OrganisationDeactivated e => ("update intake.organisations set active = false where organisation_id = $1", [e.OrganisationId]),
                OrganisationReactivated e => ("update intake.organisations set active = true where organisation_id = $1", [e.OrganisationId]),
                _ => (null, Array.Empty<object>()),
            };
            if (sql is null)
            {
                continue;
            }
            await ReadModelSql.ExecuteAsync(connection, transaction, sql, parameters, ct);
        }
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("truncate intake.inboxes, intake.organisations", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<OrganisationEntry>> ListAsync(CancellationToken ct) => await QueryAsync(null, null, ct);

    public async Task<OrganisationEntry?> GetAsync(Guid organisationId, CancellationToken ct) =>
        (await QueryAsync("o.organisation_id = $1", organisationId, ct)).SingleOrDefault();

    public async Task<OrganisationEntry?> FindByCodeAsync(string code, CancellationToken ct) =>
        (await QueryAsync("o.code = $1", code, ct)).SingleOrDefault();

    /// <summary>The active organisation with <paramref name="code"/> and the active partnerships it is a member of.</summary>
    public async Task<IReadOnlyList<OrganisationEntry>> WorkedByCodeAsync(string code, CancellationToken ct) =>
        await QueryAsync("o.active and (o.code = $1 or (select organisation_id from intake.organisations where code = $1 and active) = any(o.members))", code, ct);

    /// <summary>The organisation owning an open inbox, or null when no open inbox has that id.</summary>
    public async Task<OrganisationEntry?> OwnerOfInboxAsync(Guid inboxId, CancellationToken ct) =>
        (await QueryAsync("o.organisation_id = (select organisation_id from intake.inboxes where inbox_id = $1)", inboxId, ct)).SingleOrDefault();

    private async Task<IReadOnlyList<OrganisationEntry>> QueryAsync(string? where, object? value, CancellationToken ct)
    {
        await using var cmd = database.CreateCommand($"""
            select o.organisation_id, o.code, o.name, o.type, o.depth, o.members, o.active,
                   coalesce(array_agg(i.inbox_id order by i.name) filter (where i.inbox_id is not null), array[]::uuid[]),
                   coalesce(array_agg(i.name order by i.name) filter (where i.inbox_id is not null), array[]::text[]),
                   coalesce(array_agg(i.service_level_days order by i.name) filter (where i.inbox_id is not null), array[]::int[])
            from intake.organisations o left join intake.inboxes i on i.organisation_id = o.organisation_id
            {(where is null ? "" : "where " + where)}
            group by o.organisation_id order by o.name
            """);
        if (value is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = value is Guid ? NpgsqlDbType.Uuid : NpgsqlDbType.Text });
        }
        var found = new List<OrganisationEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var inboxIds = reader.GetFieldValue<Guid[]>(7);
            var names = reader.GetFieldValue<string[]>(8);
            var levels = reader.GetFieldValue<int[]>(9);
            found.Add(new OrganisationEntry(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                Enum.Parse<OrganisationType>(reader.GetString(3)), Enum.Parse<ParticipationDepth>(reader.GetString(4)),
                reader.GetFieldValue<Guid[]>(5), reader.GetBoolean(6),
                [.. inboxIds.Select((id, i) => new InboxEntry(id, names[i], levels[i]))]));
        }
        return found;
    }
}
