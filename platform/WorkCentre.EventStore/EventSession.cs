using Npgsql;
using NpgsqlTypes;
using WorkCentre.EventStore.Schema;

namespace WorkCentre.EventStore;

/// <summary>What one stream got from a save: its new version and the stored events with their sequences.</summary>
public sealed record AppendResult(Guid StreamId, long Version, IReadOnlyList<EventEnvelope> Events);

/// <summary>
/// A unit of work: appends to one or more streams, committed together in one transaction and one round trip,
/// with inline projections applied in that same transaction.
/// </summary>
public sealed class EventSession : IAsyncDisposable
{
    private readonly EventStore _store;
    private readonly EventMetadata _metadata;
    private readonly NpgsqlConnection? _connection;
    private readonly NpgsqlTransaction? _transaction;
    private readonly List<PendingStream> _pending = [];

    internal EventSession(EventStore store, EventMetadata metadata, NpgsqlConnection? connection, NpgsqlTransaction? transaction)
    {
        _store = store;
        _metadata = metadata;
        _connection = connection;
        _transaction = transaction;
    }

    public EventSession StartStream(string streamType, Guid streamId, params IEnumerable<object> events) =>
        Add(streamType, streamId, AppendMode.Start, 0, events);

    public EventSession Append(string streamType, Guid streamId, long expectedVersion, params IEnumerable<object> events) =>
        Add(streamType, streamId, AppendMode.ExpectedVersion, expectedVersion, events);

    public EventSession AppendAny(string streamType, Guid streamId, params IEnumerable<object> events) =>
        Add(streamType, streamId, AppendMode.Any, 0, events);

    private EventSession Add(string streamType, Guid streamId, AppendMode mode, long expected, IEnumerable<object> events)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamType);
        var list = events.ToList();
        if (list.Count == 0)
        {
            return this;
        }
        var existing = _pending.Find(p => p.StreamId == streamId);
        if (existing is not null)
        {
            // A second append to the same stream in one session continues the first one's batch; its expectation
            // still holds, against the version the batch so far leads to. Merging once dropped it silently.
            existing.Continue(mode, expected, list);
            return this;
        }
        _pending.Add(new PendingStream(streamType, streamId, mode, expected, list));
        return this;
    }

    public async Task<IReadOnlyList<AppendResult>> SaveChangesAsync(CancellationToken ct = default)
    {
        if (_pending.Count == 0)
        {
            return [];
        }
        // Known to fail before any round trip: nothing is written, as with a conflict the database finds.
        if (_pending.Find(p => p.Conflict is not null) is { } contradicted)
        {
            throw contradicted.Conflict!;
        }
        var ownsConnection = _connection is null;
        var connection = _connection ?? await _store.DataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = _transaction ?? await connection.BeginTransactionAsync(ct);
            try
            {
                var results = await AppendAllAsync(connection, transaction, ct);
                if (_transaction is null)
                {
                    // Never cancelled: a commit cancelled in flight may still land, and a caller told "cancelled" retries into a duplicate.
                    await transaction.CommitAsync(CancellationToken.None);
                    _store.Appended.Set();
                }
                _pending.Clear();
                return results;
            }
            finally
            {
                if (_transaction is null)
                {
                    await transaction.DisposeAsync();
                }
            }
        }
        finally
        {
            if (ownsConnection)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<IReadOnlyList<AppendResult>> AppendAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var options = _store.Options;
        var now = options.Time.GetUtcNow();
        var allEvents = _pending.SelectMany(p => p.Events).ToList();
        var serialized = new List<(Guid Id, string Alias, string Json, DateTimeOffset OccurredAt)[]>(_pending.Count);
        using (options.Protector is null ? null : await options.Protector.BeginWriteAsync(connection, transaction, allEvents, ct))
        {
            foreach (var pending in _pending)
            {
                serialized.Add(pending.Events.Select(e =>
                {
                    var (alias, json) = _store.Serializer.Serialize(e);
                    return (Guid.CreateVersion7(now), alias, json, (e is IOccurredAt timed ? timed.OccurredAt : now).ToUniversalTime());
                }).ToArray());
            }
        }

        var headers = _store.Serializer.SerializeHeaders(_metadata.Headers);
        await using var batch = new NpgsqlBatch(connection, transaction);
        for (var i = 0; i < _pending.Count; i++)
        {
            var p = _pending[i];
            var rows = serialized[i];
            var cmd = new NpgsqlBatchCommand(_store.Sql.Append);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = p.StreamId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = p.StreamType });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.TenantId });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)p.Mode });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = p.ExpectedVersion });
            cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = Array.ConvertAll(rows, r => r.Id) });
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = Array.ConvertAll(rows, r => r.Alias) });
            cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = Array.ConvertAll(rows, r => r.Json), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = Array.ConvertAll(rows, r => r.OccurredAt) });
            cmd.Parameters.Add(Text(_metadata.CorrelationId));
            cmd.Parameters.Add(Text(_metadata.CausationId));
            cmd.Parameters.Add(Text(_metadata.Actor));
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)headers ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(cmd);
        }

        var results = new List<AppendResult>(_pending.Count);
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(ct);
            for (var i = 0; i < _pending.Count; i++)
            {
                if (i > 0)
                {
                    await reader.NextResultAsync(ct);
                }
                await reader.ReadAsync(ct);
                var returned = reader.GetFieldValue<long[]>(0);
                results.Add(ToResult(_pending[i], serialized[i], returned, now));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == EventStoreSchema.VersionConflictSqlState)
        {
            // Results arrive in batch order, so the failing stream is the first one without a result.
            var failed = _pending[results.Count];
            throw new StreamVersionConflict(failed.StreamId, failed.StreamType, failed.ReportedMode, failed.ReportedExpected, ex);
        }

        if (options.InlineProjections.Count > 0)
        {
            var envelopes = results.SelectMany(r => r.Events).OrderBy(e => e.Sequence).ToList();
            foreach (var projection in options.InlineProjections)
            {
                await projection.ApplyAsync(connection, transaction, envelopes, ct);
            }
        }
        return results;
    }

    private AppendResult ToResult(PendingStream p, (Guid Id, string Alias, string Json, DateTimeOffset OccurredAt)[] rows, long[] returned, DateTimeOffset now)
    {
        var newVersion = returned[0];
        var firstVersion = newVersion - rows.Length + 1;
        var envelopes = new EventEnvelope[rows.Length];
        for (var j = 0; j < rows.Length; j++)
        {
            envelopes[j] = new EventEnvelope(
                returned[j + 1], rows[j].Id, p.StreamId, firstVersion + j, rows[j].Alias, p.Events[j], rows[j].OccurredAt, now,
                _metadata.CorrelationId, _metadata.CausationId, _metadata.Actor, _metadata.Headers, _store.Options.TenantId);
        }
        return new AppendResult(p.StreamId, newVersion, envelopes);
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public ValueTask DisposeAsync()
    {
        _pending.Clear();
        return ValueTask.CompletedTask;
    }

    private sealed class PendingStream(string streamType, Guid streamId, AppendMode mode, long expectedVersion, List<object> events)
    {
        public string StreamType { get; } = streamType;
        public Guid StreamId { get; } = streamId;
        public List<object> Events { get; } = events;

        /// <summary>What the database checks for the whole batch.</summary>
        public AppendMode Mode { get; private set; } = mode;
        public long ExpectedVersion { get; private set; } = expectedVersion;

        /// <summary>The caller's own expectation that a conflict reports: the first one stated for this stream.</summary>
        public AppendMode ReportedMode { get; private set; } = mode;
        public long ReportedExpected { get; private set; } = expectedVersion;

        /// <summary>Set when a later append contradicts an earlier one; SaveChanges throws it before writing.</summary>
        public StreamVersionConflict? Conflict { get; private set; }

        public void Continue(AppendMode mode, long expected, List<object> more)
        {
            var before = Events.Count;
            Events.AddRange(more);
            if (mode == AppendMode.Any || Conflict is not null)
            {
                return;
            }
            // The batch so far ends at a version known only relative to its base when it appends at any version.
            var contradicts = mode switch
            {
                AppendMode.Start => true,
                _ when Mode == AppendMode.Any => expected < before,
                _ => expected != (Mode == AppendMode.Start ? 0 : ExpectedVersion) + before,
            };
            if (contradicts)
            {
                Conflict = new StreamVersionConflict(StreamId, StreamType, mode, expected);
            }
            else if (Mode == AppendMode.Any)
            {
                // Appending at any version, then at an expected one: the database checks the base that implies.
                (Mode, ExpectedVersion) = (AppendMode.ExpectedVersion, expected - before);
                (ReportedMode, ReportedExpected) = (mode, expected);
            }
        }
    }
}
