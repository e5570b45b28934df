using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace WorkCentre.Privacy;

/// <summary>
/// Per-subject data keys in <c>{schema}.subject_keys</c>, wrapped by the master key. Shredding nulls the wrapped key
/// and keeps the row as a tombstone, so the subject's personal data reads as erased and no new key is ever made.
/// </summary>
public sealed class SubjectKeyStore
{
    // The format of wrapped_key; a future master-key rotation rewraps rows and raises it.
    private const int KeyVersion = 1;

    private readonly NpgsqlDataSource? _dataSource;
    private readonly byte[] _masterKey;
    private readonly string _s;

    /// <param name="dataSource">Only needed for <see cref="ApplySchemaAsync"/> and shredding on its own connection.</param>
    public SubjectKeyStore(NpgsqlDataSource? dataSource, PrivacyOptions options)
    {
        _dataSource = dataSource;
        _masterKey = options.MasterKeyBytes();
        _s = options.ValidSchema();
    }

    public string Schema => _s;

    public static string Ddl(string schema) => $"""
        create schema if not exists {schema};

        create table if not exists {schema}.subject_keys (
            subject_id text primary key,
            wrapped_key bytea null,
            key_version int not null,
            created_at timestamptz not null default now(),
            shredded_at timestamptz null,
            constraint subject_keys_shredded_has_no_key check (shredded_at is null or wrapped_key is null)
        );
        """;

    public async Task ApplySchemaAsync(CancellationToken ct = default)
    {
        await PrivacySchema.ApplyAsync(DataSource, Ddl(_s), ct);
    }

    public Task ShredAsync(Guid subjectId, CancellationToken ct = default) => ShredAsync(subjectId.ToString("D"), ct);

    public async Task ShredAsync(string subjectId, CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await ShredAsync(connection, null, subjectId, ct);
    }

    /// <summary>
    /// Destroys the subject's data key inside the caller's transaction (e.g. the one appending the erasure event).
    /// Idempotent; a subject without a key yet gets a tombstone too, so nothing personal can be written for it later.
    /// </summary>
    public async Task ShredAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string subjectId, CancellationToken ct = default)
    {
        SubjectIds.Validate(subjectId);
        await using var cmd = new NpgsqlCommand(
            $"insert into {_s}.subject_keys (subject_id, wrapped_key, key_version, shredded_at) values ($1, null, {KeyVersion}, now()) " +
            $"on conflict (subject_id) do update set wrapped_key = null, shredded_at = coalesce({_s}.subject_keys.shredded_at, now())",
            connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subjectId });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Keys of the subjects in one query; null for a subject that is shredded or has no key.</summary>
    internal async Task<Dictionary<string, byte[]?>> LoadAsync(NpgsqlConnection connection, IReadOnlyCollection<string> subjectIds, CancellationToken ct)
    {
        var keys = subjectIds.ToDictionary(id => id, _ => (byte[]?)null, StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand($"select subject_id, wrapped_key from {_s}.subject_keys where subject_id = any($1)", connection);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. subjectIds] });
        await ReadKeysAsync(cmd, keys, ct);
        return keys;
    }

    /// <summary>
    /// Keys of the subjects, creating missing ones in the caller's transaction. Concurrent writers agree on one key:
    /// the insert waits for the other's row and does nothing, and the select (a new snapshot) then sees that row.
    /// </summary>
    internal async Task<Dictionary<string, byte[]?>> GetOrCreateAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> subjectIds, CancellationToken ct)
    {
        // One order for every writer, so two that create overlapping subjects cannot deadlock.
        var ids = subjectIds.Order(StringComparer.Ordinal).ToArray();
        var wrapped = Array.ConvertAll(ids, id =>
        {
            var key = RandomNumberGenerator.GetBytes(32);
            try
            {
                return Sealing.Seal(_masterKey, key, WrapContext(id));
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insert = new NpgsqlBatchCommand(
            $"insert into {_s}.subject_keys (subject_id, wrapped_key, key_version) " +
            $"select id, key, {KeyVersion} from unnest($1::text[], $2::bytea[]) as t(id, key) on conflict (subject_id) do nothing");
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        insert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = wrapped });
        var select = new NpgsqlBatchCommand($"select subject_id, wrapped_key from {_s}.subject_keys where subject_id = any($1)");
        select.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(select);

        var keys = ids.ToDictionary(id => id, _ => (byte[]?)null, StringComparer.Ordinal);
        await ReadKeysAsync(batch, keys, ct);
        var erased = keys.FirstOrDefault(k => k.Value is null).Key;
        return erased is null ? keys : throw new SubjectErasedException(erased);
    }

    private async Task ReadKeysAsync(NpgsqlCommand cmd, Dictionary<string, byte[]?> keys, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await ReadKeysAsync(reader, keys, ct);
    }

    private async Task ReadKeysAsync(NpgsqlBatch batch, Dictionary<string, byte[]?> keys, CancellationToken ct)
    {
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await ReadKeysAsync(reader, keys, ct);
    }

    private async Task ReadKeysAsync(NpgsqlDataReader reader, Dictionary<string, byte[]?> keys, CancellationToken ct)
    {
        do
        {
            while (reader.FieldCount == 2 && await reader.ReadAsync(ct))
            {
                var id = reader.GetString(0);
                if (!await reader.IsDBNullAsync(1, ct))
                {
                    // A key that does not unwrap means a wrong master key or an altered row, never an erasure.
                    keys[id] = Sealing.Open(_masterKey, reader.GetFieldValue<byte[]>(1), WrapContext(id))
                        ?? throw new CryptographicException($"The data key of subject {id} does not unwrap; check Privacy:MasterKey.");
                }
            }
        }
        while (await reader.NextResultAsync(ct));
    }

    // Binds a wrapped key to its row, so keys cannot be swapped between subjects.
    private static byte[] WrapContext(string subjectId) => Encoding.UTF8.GetBytes("wcdk:v1:" + subjectId);

    private NpgsqlDataSource DataSource =>
        _dataSource ?? throw new InvalidOperationException("This SubjectKeyStore was made without a data source; pass a connection instead.");
}
