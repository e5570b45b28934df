using Npgsql;
using WorkCentre.EventStore.Schema;

namespace WorkCentre.EventStore;

/// <summary>A state rebuilt from a stream, with the version to expect when appending to it.</summary>
public sealed record StreamState<TState>(TState State, long Version);

/// <summary>
/// The event store of one service database: append through sessions, read and aggregate streams.
/// Follows Marten's design (one append function per stream, a global sequence, an async daemon).
/// </summary>
public sealed class EventStore
{
    private const string SelectColumns =
        "e.seq_id, e.id, e.stream_id, e.version, e.type, e.data::text, e.occurred_at, e.timestamp, " +
        "e.correlation_id, e.causation_id, e.user_name, e.headers::text, e.tenant_id";

    public EventStore(EventStoreOptions options)
    {
        options.Validate();
        Options = options;
        Serializer = new EventSerializer(options);
        Sql = new StoreSql(options.Schema, SelectColumns);
    }

    public EventStoreOptions Options { get; }

    internal EventSerializer Serializer { get; }

    internal StoreSql Sql { get; }

    /// <summary>Set after every committed append in this process, so a local daemon wakes at once.</summary>
    public Signal Appended { get; } = new();

    public NpgsqlDataSource DataSource => Options.DataSource;

    public Task ApplySchemaAsync(CancellationToken ct = default) =>
        EventStoreSchema.ApplyAsync(Options.DataSource, Options.Schema, ct);

    /// <summary>A unit of work on its own connection and transaction.</summary>
    public EventSession OpenSession(EventMetadata? metadata = null) => new(this, metadata ?? new EventMetadata(), null, null);

    /// <summary>A unit of work enlisted in the caller's transaction (an inbox, a consumer); the caller commits.</summary>
    public EventSession OpenSession(NpgsqlConnection connection, NpgsqlTransaction transaction, EventMetadata? metadata = null) =>
        new(this, metadata ?? new EventMetadata(), connection, transaction);

    public async Task<IReadOnlyList<EventEnvelope>> ReadStreamAsync(
        Guid streamId, long fromVersion = 1, DateTimeOffset? recordedUpTo = null, CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql.ReadStream, connection);
        cmd.Parameters.AddWithValue("id", streamId);
        cmd.Parameters.AddWithValue("from", fromVersion);
        cmd.Parameters.AddWithValue("upTo", (object?)recordedUpTo ?? DBNull.Value).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz;
        var rows = await ReadRowsAsync(cmd, ct);
        return await ToEnvelopesAsync(connection, rows, ct);
    }

    public async Task<TState> AggregateStreamAsync<TState>(
        Guid streamId, TState initial, Func<TState, object, TState> evolve, DateTimeOffset? recordedUpTo = null, CancellationToken ct = default)
    {
        var events = await ReadStreamAsync(streamId, 1, recordedUpTo, ct);
        return events.Aggregate(initial, (state, e) => evolve(state, e.Data));
    }

    /// <summary>State and version in one round trip, for a decider's next command.</summary>
    public async Task<StreamState<TState>> FetchForWritingAsync<TState>(
        Guid streamId, TState initial, Func<TState, object, TState> evolve, CancellationToken ct = default)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(Sql.FetchForWriting, connection);
        cmd.Parameters.AddWithValue("id", streamId);
        long version = 0;
        var rows = new List<StoredRow>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                version = reader.GetInt64(0);
                if (!await reader.IsDBNullAsync(1, ct))
                {
                    rows.Add(StoredRow.Read(reader, 1));
                }
            }
        }
        var events = await ToEnvelopesAsync(connection, rows, ct);
        return new StreamState<TState>(events.Aggregate(initial, (state, e) => evolve(state, e.Data)), version);
    }

    /// <summary>
    /// Events with <c>after &lt; seq &lt;= upTo</c> in sequence order, at most <paramref name="limit"/> rows. A row that
    /// cannot be read (unknown alias, broken payload) comes back as unreadable instead of failing the page.
    /// </summary>
    internal async Task<DaemonPage> ReadPageAsync(NpgsqlConnection connection, long after, long upTo, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Sql.ReadPage, connection);
        cmd.Parameters.AddWithValue("after", after);
        cmd.Parameters.AddWithValue("upTo", upTo);
        cmd.Parameters.AddWithValue("limit", limit);
        var rows = await ReadRowsAsync(cmd, ct);
        if (rows.Count == 0)
        {
            return new DaemonPage([], [], 0, after);
        }
        var unreadable = new List<UnreadableEvent>();
        var events = await ToEnvelopesAsync(connection, rows, ct, unreadable);
        return new DaemonPage(events, unreadable, rows.Count, rows[^1].Seq);
    }

    private static async Task<List<StoredRow>> ReadRowsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var rows = new List<StoredRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(StoredRow.Read(reader, 0));
        }
        return rows;
    }

    internal async Task<IReadOnlyList<EventEnvelope>> ToEnvelopesAsync(
        NpgsqlConnection connection, List<StoredRow> rows, CancellationToken ct, List<UnreadableEvent>? unreadable = null)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        using var scope = Options.Protector is null
            ? null
            : await Options.Protector.BeginReadAsync(connection, rows.ConvertAll(r => r.Data), ct);
        var envelopes = new List<EventEnvelope>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                scope?.BeginPayload();
                envelopes.Add(row.ToEnvelope(Serializer));
            }
            catch (Exception ex) when (unreadable is not null && ex is not OperationCanceledException)
            {
                unreadable.Add(new UnreadableEvent(row.Seq, row.Id, row.Alias, ex));
            }
        }
        return envelopes;
    }
}

/// <summary>A page for a daemon shard: the readable events, the unreadable ones, and how far the rows went.</summary>
internal sealed record DaemonPage(IReadOnlyList<EventEnvelope> Events, IReadOnlyList<UnreadableEvent> Unreadable, int RowCount, long LastSequence);

internal sealed record UnreadableEvent(long Sequence, Guid Id, string Alias, Exception Error);

internal sealed record StoredRow(
    long Seq, Guid Id, Guid StreamId, long Version, string Alias, string Data, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt,
    string? CorrelationId, string? CausationId, string? Actor, string? Headers, string TenantId)
{
    public static StoredRow Read(NpgsqlDataReader r, int o) => new(
        r.GetInt64(o), r.GetGuid(o + 1), r.GetGuid(o + 2), r.GetInt64(o + 3), r.GetString(o + 4), r.GetString(o + 5),
        r.GetFieldValue<DateTimeOffset>(o + 6), r.GetFieldValue<DateTimeOffset>(o + 7),
        r.IsDBNull(o + 8) ? null : r.GetString(o + 8), r.IsDBNull(o + 9) ? null : r.GetString(o + 9),
        r.IsDBNull(o + 10) ? null : r.GetString(o + 10), r.IsDBNull(o + 11) ? null : r.GetString(o + 11), r.GetString(o + 12));

    public EventEnvelope ToEnvelope(EventSerializer serializer) => new(
        Seq, Id, StreamId, Version, Alias, serializer.Deserialize(Alias, Data), OccurredAt, RecordedAt,
        CorrelationId, CausationId, Actor, EventSerializer.DeserializeHeaders(Headers), TenantId);
}

internal sealed class StoreSql(string s, string columns)
{
    public string Append { get; } =
        $"select {s}.append_to_stream($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    public string ReadStream { get; } =
        $"select {columns} from {s}.events e where e.stream_id = @id and e.version >= @from " +
        $"and (@upTo::timestamptz is null or e.timestamp <= @upTo) order by e.version";

    public string FetchForWriting { get; } =
        $"select st.version, {columns} from {s}.streams st left join {s}.events e on e.stream_id = st.id " +
        $"where st.id = @id order by e.version";

    public string ReadPage { get; } =
        $"select {columns} from {s}.events e where e.seq_id > @after and e.seq_id <= @upTo order by e.seq_id limit @limit";
}
