using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace WorkCentre.ServiceDefaults.Idempotency;

internal enum ClaimOutcome { Claimed, InFlight, Mismatch, Completed }

internal sealed record StoredResponse(int StatusCode, byte[] Body, string? ContentType, string? Location);

internal sealed record Claim(ClaimOutcome Outcome, StoredResponse? Response = null);

/// <summary>
/// <c>http.idempotency_keys</c> in the service's own database. A key is claimed by inserting a pending row
/// (no status yet); the primary key makes a concurrent duplicate see that row instead. Rows live 24 hours.
/// </summary>
internal sealed class IdempotencyStore(IServiceProvider services)
{
    /// <summary>A pending row older than this belongs to a request that died; a retry may take it over.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private const string Schema = """
        select pg_advisory_xact_lock(7340118255);
        create schema if not exists http;
        create table if not exists http.idempotency_keys (
            key text not null,
            endpoint text not null,
            request_hash bytea not null,
            status_code int,
            response_body bytea,
            content_type text,
            location text,
            created_at timestamptz not null default now(),
            primary key (key, endpoint));
        create index if not exists idempotency_keys_created_at on http.idempotency_keys (created_at);
        """;

    private volatile Task? schema;

    private NpgsqlDataSource DataSource => services.GetService<NpgsqlDataSource>()
        ?? throw new InvalidOperationException("WithIdempotency() stores keys in the service's database: register an NpgsqlDataSource.");

    public async Task<Claim> ClaimAsync(string key, string endpoint, byte[] requestHash, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                // Takes over a key whose first request died, or whose 24 hours are up.
                new("""
                    insert into http.idempotency_keys (key, endpoint, request_hash) values ($1, $2, $3)
                    on conflict (key, endpoint) do update set request_hash = excluded.request_hash, created_at = now(),
                        status_code = null, response_body = null, content_type = null, location = null
                    where (http.idempotency_keys.status_code is null and http.idempotency_keys.created_at < now() - $4)
                        or http.idempotency_keys.created_at < now() - $5
                    returning true
                    """)
                {
                    Parameters =
                    {
                        new() { Value = key }, new() { Value = endpoint }, new() { Value = requestHash },
                        new() { Value = AbandonedAfter }, new() { Value = Lifetime },
                    },
                },
                new("delete from http.idempotency_keys where created_at < now() - $1") { Parameters = { new() { Value = Lifetime } } },
            },
        };
        if (await batch.ExecuteScalarAsync(cancellationToken) is true)
        {
            return new Claim(ClaimOutcome.Claimed);
        }

        await using var select = new NpgsqlCommand(
            "select request_hash, status_code, response_body, content_type, location from http.idempotency_keys where key = $1 and endpoint = $2",
            connection)
        {
            Parameters = { new() { Value = key }, new() { Value = endpoint } },
        };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // Finished and released between our insert and this read: the caller may simply try again.
            return new Claim(ClaimOutcome.InFlight);
        }
        if (!reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash))
        {
            return new Claim(ClaimOutcome.Mismatch);
        }
        if (reader.IsDBNull(1))
        {
            return new Claim(ClaimOutcome.InFlight);
        }
        return new Claim(ClaimOutcome.Completed, new StoredResponse(
            reader.GetInt32(1),
            reader.GetFieldValue<byte[]>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4)));
    }

    public async Task CompleteAsync(string key, string endpoint, StoredResponse response)
    {
        // Not cancellable: the handler has run, so its result must be recorded even if the client went away.
        await using var command = DataSource.CreateCommand("""
            update http.idempotency_keys set status_code = $3, response_body = $4, content_type = $5, location = $6
            where key = $1 and endpoint = $2
            """);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = endpoint });
        command.Parameters.Add(new() { Value = response.StatusCode });
        command.Parameters.Add(new() { Value = response.Body });
        command.Parameters.Add(new() { Value = (object?)response.ContentType ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)response.Location ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Forgets a claim whose request did not succeed, so the client can retry with the same key.</summary>
    public async Task ReleaseAsync(string key, string endpoint)
    {
        await using var command = DataSource.CreateCommand("delete from http.idempotency_keys where key = $1 and endpoint = $2 and status_code is null");
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = endpoint });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Creates the table once per process; a failed attempt is retried by the next request.</summary>
    private Task EnsureSchemaAsync()
    {
        var ready = schema;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            schema = ready = CreateSchemaAsync();
        }
        return ready;
    }

    private async Task CreateSchemaAsync()
    {
        // The advisory lock serialises replicas (and racing requests) creating the table at the same time.
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }
}
