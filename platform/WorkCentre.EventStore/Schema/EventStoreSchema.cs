using Npgsql;

namespace WorkCentre.EventStore.Schema;

/// <summary>
/// DDL for the event store. Every statement is idempotent so each service can apply it at start-up;
/// an advisory lock keeps two starting instances from racing on the same catalog rows.
/// </summary>
public static class EventStoreSchema
{
    /// <summary>SQLSTATE raised by the append function when the expected version does not hold.</summary>
    public const string VersionConflictSqlState = "WC409";

    public const string HighWaterMarkName = "HighWaterMark";

    public static string Ddl(string schema) => $"""
        create schema if not exists {schema};

        create sequence if not exists {schema}.event_seq;

        create table if not exists {schema}.streams (
            id uuid primary key,
            type text not null,
            version bigint not null,
            tenant_id text not null default '*DEFAULT*',
            created timestamptz not null default now(),
            timestamp timestamptz not null default now(),
            is_archived boolean not null default false
        );

        create table if not exists {schema}.events (
            seq_id bigint primary key,
            id uuid not null unique,
            -- No foreign key: the append function is the only writer and creates the stream row first;
            -- a per-event key check was the largest server cost of an append.
            stream_id uuid not null,
            version bigint not null,
            type text not null,
            data jsonb not null,
            occurred_at timestamptz not null,
            timestamp timestamptz not null default now(),
            correlation_id text,
            causation_id text,
            user_name text,
            headers jsonb,
            tenant_id text not null default '*DEFAULT*',
            is_archived boolean not null default false,
            constraint events_stream_version unique (stream_id, version)
        );

        create table if not exists {schema}.event_progression (
            name text primary key,
            last_seq_id bigint not null default 0,
            last_updated timestamptz not null default now(),
            status text not null default 'running',
            pause_reason text
        );

        create table if not exists {schema}.high_water_skips (
            id bigserial primary key,
            from_seq_id bigint not null,
            to_seq_id bigint not null,
            missing_count bigint not null,
            skipped_at timestamptz not null default now(),
            reason text not null
        );

        create table if not exists {schema}.dead_letter_events (
            id bigserial primary key,
            projection_name text not null,
            seq_id bigint not null,
            event_id uuid not null,
            event_type text not null,
            error_type text not null,
            error_message text not null,
            recorded_at timestamptz not null default now(),
            unique (projection_name, seq_id)
        );

        insert into {schema}.event_progression (name, last_seq_id) values ('{HighWaterMarkName}', 0)
            on conflict (name) do nothing;

        -- One call appends a batch to one stream. The expected version is checked while the stream row
        -- is locked and before any sequence number is drawn, so a writer that loses a race leaves no gap.
        -- p_mode: 0 = start (must not exist), 1 = expected version, 2 = any version.
        create or replace function {schema}.append_to_stream(
            p_stream_id uuid, p_stream_type text, p_tenant_id text, p_mode int, p_expected bigint,
            p_ids uuid[], p_types text[], p_data jsonb[], p_occurred_at timestamptz[],
            p_correlation_id text, p_causation_id text, p_user_name text, p_headers jsonb)
        returns bigint[] language plpgsql as $fn$
        declare
            v_version bigint;
            v_count int := cardinality(p_ids);
            v_seqs bigint[];
        begin
            if p_mode = 0 then
                insert into {schema}.streams (id, type, version, tenant_id) values (p_stream_id, p_stream_type, v_count, p_tenant_id)
                    on conflict (id) do nothing;
                if not found then
                    raise exception using errcode = '{VersionConflictSqlState}', message = 'stream version conflict', detail = 'exists';
                end if;
                v_version := 0;
            else
                -- Locks the row, reads the old version and bumps it in one step; a raise below rolls the bump back.
                update {schema}.streams set version = version + v_count, timestamp = now() where id = p_stream_id
                    returning version - v_count into v_version;
                if not found then
                    if p_mode = 1 and p_expected <> 0 then
                        raise exception using errcode = '{VersionConflictSqlState}', message = 'stream version conflict', detail = '0';
                    end if;
                    insert into {schema}.streams (id, type, version, tenant_id) values (p_stream_id, p_stream_type, v_count, p_tenant_id)
                        on conflict (id) do nothing;
                    if found then
                        v_version := 0;
                    elsif p_mode = 2 then
                        update {schema}.streams set version = version + v_count, timestamp = now() where id = p_stream_id
                            returning version - v_count into v_version;
                    else
                        raise exception using errcode = '{VersionConflictSqlState}', message = 'stream version conflict', detail = 'created concurrently';
                    end if;
                elsif p_mode = 1 and v_version <> p_expected then
                    raise exception using errcode = '{VersionConflictSqlState}', message = 'stream version conflict', detail = v_version::text;
                end if;
            end if;

            -- Drawn only now: a writer that lost the race above leaves no gap in the sequence.
            select array_agg(nextval('{schema}.event_seq') order by g) into v_seqs from generate_series(1, v_count) g;

            insert into {schema}.events (seq_id, id, stream_id, version, type, data, occurred_at,
                                         correlation_id, causation_id, user_name, headers, tenant_id)
            select v_seqs[i], p_ids[i], p_stream_id, v_version + i, p_types[i], p_data[i], p_occurred_at[i],
                   p_correlation_id, p_causation_id, p_user_name, p_headers, p_tenant_id
            from generate_subscripts(p_ids, 1) as i;
            return array_prepend(v_version + v_count, v_seqs);
        end
        $fn$;
        """;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string schema, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Concurrent "create if not exists" on the same catalog rows can still collide; serialize start-ups.
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('workcentre.schema'))", connection, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using (var ddl = new NpgsqlCommand(Ddl(schema), connection, tx))
        {
            await ddl.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
