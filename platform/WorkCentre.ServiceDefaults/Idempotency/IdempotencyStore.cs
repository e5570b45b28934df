using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace WorkCentre.ServiceDefaults.Idempotency;

internal enum ClaimOutcome { Claimed, InFlight, Mismatch, Completed }

internal sealed record StoredResponse(int StatusCode, byte[] Body, string? ContentType, string? Location);

/// <summary>Whose key: the caller (pseudonymous staff id), the key they chose and the concrete endpoint.</summary>
internal sealed record IdempotencyScope(string Caller, string Key, string Endpoint)
{
    /// <summary>The advisory lock held while the scope's request runs; a hash collision only makes an unrelated request wait (409).</summary>
    public int LockId
    {
        get
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{Caller}\n{Key}\n{Endpoint}"));
            return BinaryPrimitives.ReadInt32LittleEndian(hash);
        }
    }
}

/// <summary>
/// <c>http.idempotent_requests</c> in the service's own database. Keys belong to the caller who sent them:
/// another staff member's request with the same key is a request of its own. Rows live 24 hours.
/// </summary>
internal sealed class IdempotencyStore(IServiceProvider services)
{
    internal static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>First int of the two-int advisory lock key: keeps these locks apart from every other advisory lock.</summary>
    private const int LockNamespace = 0x1D3E_4C01;

    private const string Schema = """
        select pg_advisory_xact_lock(7340118255);
        create schema if not exists http;
        -- Replaced by http.idempotent_requests: its keys were shared by every caller of an endpoint.
        drop table if exists http.idempotency_keys;
        create table if not exists http.idempotent_requests (
            caller text not null,
            key text not null,
            endpoint text not null,
            owner uuid not null,
            request_hash bytea not null,
            status_code int,
            response_body bytea,
            content_type text,
            location text,
            created_at timestamptz not null default now(),
            primary key (caller, key, endpoint));
        create index if not exists idempotent_requests_created_at on http.idempotent_requests (created_at);
        """;

    private volatile Task? schema;

    private NpgsqlDataSource DataSource => services.GetService<NpgsqlDataSource>()
        ?? throw new InvalidOperationException("WithIdempotency() stores keys in the service's database: register an NpgsqlDataSource.");

    /// <summary>
    /// Claims the scope for one request, or says why not. A claim holds a session advisory lock until it is
    /// completed or released: while the first request runs, however long it takes, no repeat can take the key
    /// over; when its process dies, the lock goes with its connection and a retry may run.
    /// </summary>
    public async Task<IdempotencyClaim> ClaimAsync(IdempotencyScope scope, byte[] requestHash, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync().WaitAsync(cancellationToken);
        var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using (var tryLock = new NpgsqlCommand("select pg_try_advisory_lock($1, $2)", connection))
            {
                tryLock.Parameters.Add(new() { Value = LockNamespace });
                tryLock.Parameters.Add(new() { Value = scope.LockId });
                if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    await connection.DisposeAsync();
                    return IdempotencyClaim.Refused(ClaimOutcome.InFlight);
                }
            }
            return await ClaimLockedAsync(connection, scope, requestHash, cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<IdempotencyClaim> ClaimLockedAsync(NpgsqlConnection connection, IdempotencyScope scope, byte[] requestHash, CancellationToken cancellationToken)
    {
        var owner = Guid.CreateVersion7();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("delete from http.idempotent_requests where created_at < now() - $1") { Parameters = { new() { Value = Lifetime } } },
                // Under the lock a pending row is one whose request died before it finished: the same request may take it over.
                new("""
                    insert into http.idempotent_requests (caller, key, endpoint, owner, request_hash) values ($1, $2, $3, $4, $5)
                    on conflict (caller, key, endpoint) do update set owner = excluded.owner, created_at = now()
                    where http.idempotent_requests.status_code is null and http.idempotent_requests.request_hash = excluded.request_hash
                    returning true
                    """)
                {
                    Parameters =
                    {
                        new() { Value = scope.Caller }, new() { Value = scope.Key }, new() { Value = scope.Endpoint },
                        new() { Value = owner }, new() { Value = requestHash },
                    },
                },
            },
        };
        if (await batch.ExecuteScalarAsync(cancellationToken) is true)
        {
            return new IdempotencyClaim(ClaimOutcome.Claimed, connection, scope, owner);
        }

        await using var select = new NpgsqlCommand(
            "select request_hash, status_code, response_body, content_type, location from http.idempotent_requests where caller = $1 and key = $2 and endpoint = $3",
            connection)
        {
            Parameters = { new() { Value = scope.Caller }, new() { Value = scope.Key }, new() { Value = scope.Endpoint } },
        };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || !reader.GetFieldValue<byte[]>(0).AsSpan().SequenceEqual(requestHash))
        {
            return new IdempotencyClaim(ClaimOutcome.Mismatch, connection, scope, owner);
        }
        return new IdempotencyClaim(ClaimOutcome.Completed, connection, scope, owner, new StoredResponse(
            reader.GetInt32(1),
            reader.GetFieldValue<byte[]>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4)));
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

    /// <summary>One request's hold on its scope, until disposed; only its owner token can complete or release the row.</summary>
    internal sealed class IdempotencyClaim : IAsyncDisposable
    {
        private readonly NpgsqlConnection? connection;
        private readonly IdempotencyScope? scope;
        private readonly Guid owner;

        public IdempotencyClaim(ClaimOutcome outcome, NpgsqlConnection connection, IdempotencyScope scope, Guid owner, StoredResponse? response = null)
        {
            (Outcome, this.connection, this.scope, this.owner, Response) = (outcome, connection, scope, owner, response);
        }

        private IdempotencyClaim(ClaimOutcome outcome) => Outcome = outcome;

        public static IdempotencyClaim Refused(ClaimOutcome outcome) => new(outcome);

        public ClaimOutcome Outcome { get; }

        public StoredResponse? Response { get; }

        /// <summary>Not cancellable: the handler has run, so its result must be recorded even if the client went away.</summary>
        public async Task<bool> CompleteAsync(StoredResponse response)
        {
            await using var command = new NpgsqlCommand("""
                update http.idempotent_requests set status_code = $5, response_body = $6, content_type = $7, location = $8
                where caller = $1 and key = $2 and endpoint = $3 and owner = $4
                """, connection);
            AddScope(command);
            command.Parameters.Add(new() { Value = response.StatusCode });
            command.Parameters.Add(new() { Value = response.Body });
            command.Parameters.Add(new() { Value = (object?)response.ContentType ?? DBNull.Value });
            command.Parameters.Add(new() { Value = (object?)response.Location ?? DBNull.Value });
            return await command.ExecuteNonQueryAsync(CancellationToken.None) == 1;
        }

        /// <summary>Forgets a claim whose request did not succeed, so the client can retry with the same key.</summary>
        public async Task ReleaseAsync()
        {
            await using var command = new NpgsqlCommand(
                "delete from http.idempotent_requests where caller = $1 and key = $2 and endpoint = $3 and owner = $4 and status_code is null", connection);
            AddScope(command);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }

        private void AddScope(NpgsqlCommand command)
        {
            command.Parameters.Add(new() { Value = scope!.Caller });
            command.Parameters.Add(new() { Value = scope.Key });
            command.Parameters.Add(new() { Value = scope.Endpoint });
            command.Parameters.Add(new() { Value = owner });
        }

        public async ValueTask DisposeAsync()
        {
            if (connection is null)
            {
                return;
            }
            try
            {
                // A pooled connection keeps session locks until its next use resets it: unlock now.
                await using var unlock = new NpgsqlCommand("select pg_advisory_unlock($1, $2)", connection);
                unlock.Parameters.Add(new() { Value = LockNamespace });
                unlock.Parameters.Add(new() { Value = scope!.LockId });
                await unlock.ExecuteScalarAsync(CancellationToken.None);
            }
            catch (NpgsqlException)
            {
                // A broken connection has lost its locks with it.
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
