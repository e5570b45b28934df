using Npgsql;

namespace WorkCentre.Messaging;

/// <summary>Inbox, outbox and timers of one service database; idempotent, applied at start-up.</summary>
public static class MessagingSchema
{
    public const string Ddl = """
        create schema if not exists messaging;

        create table if not exists messaging.inbox (
            message_id uuid not null,
            consumer text not null,
            received_at timestamptz not null default now(),
            primary key (message_id, consumer)
        );

        create table if not exists messaging.outbox (
            id uuid primary key,
            message_type text not null,
            body jsonb not null,
            correlation_id text,
            created_at timestamptz not null default now(),
            sent_at timestamptz
        );
        -- A row the relay cannot read (its type gone, its body unreadable) is parked with the reason instead of
        -- stalling every row behind it; it stays for someone to look at.
        alter table messaging.outbox add column if not exists parked_at timestamptz, add column if not exists park_reason text;
        drop index if exists messaging.outbox_unsent;
        create index if not exists outbox_pending on messaging.outbox (created_at) where sent_at is null and parked_at is null;

        create table if not exists messaging.timers (
            id uuid primary key,
            kind text not null,
            payload jsonb not null,
            due_at timestamptz not null,
            created_at timestamptz not null default now(),
            fired_at timestamptz,
            attempts int not null default 0,
            last_error text
        );
        create index if not exists timers_due on messaging.timers (due_at) where fired_at is null;
        """;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('workcentre.schema'))", connection, tx))
        {
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        await using (var ddl = new NpgsqlCommand(Ddl, connection, tx))
        {
            await ddl.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
