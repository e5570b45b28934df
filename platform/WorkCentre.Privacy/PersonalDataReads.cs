using Npgsql;

namespace WorkCentre.Privacy;

/// <summary>One read of a data subject's personal data by a staff member.</summary>
public sealed record PersonalDataRead(string SubjectId, string Actor, string? Organisation, string Purpose, DateTimeOffset ReadAt);

/// <summary>A page of reads, newest first, with the total so a client knows how many pages there are.</summary>
public sealed record PersonalDataReadPage(IReadOnlyList<PersonalDataRead> Reads, long Total);

/// <summary>
/// The read audit in <c>{schema}.personal_data_reads</c>: every read of personal data by staff is recorded (who,
/// which organisation, when, why, whose data) before the data is returned, so a subject's access request can be answered.
/// Rows hold only pseudonymous ids and the stated purpose; they outlive an erasure, as accountability for earlier reads.
/// </summary>
public sealed class PersonalDataReads
{
    public const int MaxPurposeLength = 200;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _s;

    public PersonalDataReads(NpgsqlDataSource dataSource, PrivacyOptions options)
    {
        _dataSource = dataSource;
        _s = options.ValidSchema();
    }

    public static string Ddl(string schema) => $"""
        create schema if not exists {schema};

        create table if not exists {schema}.personal_data_reads (
            id bigint generated always as identity primary key,
            subject_id text not null,
            actor text not null,
            organisation text null,
            purpose text not null,
            read_at timestamptz not null default now()
        );
        create index if not exists personal_data_reads_subject on {schema}.personal_data_reads (subject_id, read_at desc);
        """;

    public async Task ApplySchemaAsync(CancellationToken ct = default)
    {
        await PrivacySchema.ApplyAsync(_dataSource, Ddl(_s), ct);
    }

    /// <summary>Records a read on its own connection; call it before the data leaves the service, so no read goes unrecorded.</summary>
    public async Task RecordAsync(string subjectId, string actor, string? organisation, string purpose, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await RecordAsync(connection, null, subjectId, actor, organisation, purpose, ct);
    }

    public Task RecordAsync(Guid subjectId, string actor, string? organisation, string purpose, CancellationToken ct = default) =>
        RecordAsync(subjectId.ToString("D"), actor, organisation, purpose, ct);

    /// <summary>Records a read inside the caller's transaction.</summary>
    public async Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string subjectId, string actor, string? organisation, string purpose, CancellationToken ct = default)
    {
        SubjectIds.Validate(subjectId);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        if (string.IsNullOrWhiteSpace(purpose) || purpose.Length > MaxPurposeLength)
        {
            throw new ArgumentException($"A read needs a purpose of 1 to {MaxPurposeLength} characters.", nameof(purpose));
        }
        await using var cmd = new NpgsqlCommand(
            $"insert into {_s}.personal_data_reads (subject_id, actor, organisation, purpose) values ($1, $2, $3, $4)", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subjectId });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)organisation ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = purpose.Trim() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The reads of any of the subjects (a person's records, e.g. after a merge), newest first; pages count from 1.</summary>
    public async Task<PersonalDataReadPage> ListAsync(IReadOnlyCollection<string> subjectIds, int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var count = new NpgsqlBatchCommand($"select count(*) from {_s}.personal_data_reads where subject_id = any($1)");
        count.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. subjectIds] });
        var rows = new NpgsqlBatchCommand(
            $"select subject_id, actor, organisation, purpose, read_at from {_s}.personal_data_reads where subject_id = any($1) " +
            "order by read_at desc, id desc offset $2 limit $3");
        rows.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. subjectIds] });
        rows.Parameters.Add(new NpgsqlParameter<long> { TypedValue = (long)(page - 1) * pageSize });
        rows.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(rows);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var reads = new List<PersonalDataRead>();
        while (await reader.ReadAsync(ct))
        {
            reads.Add(new PersonalDataRead(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        return new PersonalDataReadPage(reads, total);
    }
}
