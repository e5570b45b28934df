using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Testing;

namespace WorkCentre.Platform.Tests.Infrastructure;

/// <summary>
/// A read model with one row per applied event (no unique key, so a double apply would show), and an
/// in-memory check that events arrive in sequence order.
/// </summary>
public sealed class RecordingProjection(string name, string table, Func<EventEnvelope, bool>? poison = null) : IProjection
{
    private long _lastSeen;
    private bool _rewound;

    public string Name => name;

    public string Table => table;

    public bool OutOfOrder { get; private set; }

    public string CreateTableSql => $"create table if not exists {table} (seq_id bigint not null, stream_id uuid not null, version bigint not null, alias text not null)";

    public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (poison?.Invoke(e) == true)
            {
                throw new InvalidOperationException($"Projection cannot apply event {e.Id}.");
            }
        }
        // After a reset the replay starts from the beginning again; any other step backwards is out of order.
        if (events.Count > 0 && events[0].Sequence <= _lastSeen && !_rewound)
        {
            OutOfOrder = true;
        }
        for (var i = 1; i < events.Count; i++)
        {
            OutOfOrder |= events[i].Sequence <= events[i - 1].Sequence;
        }
        await using var cmd = new NpgsqlCommand($"insert into {table} (seq_id, stream_id, version, alias) select * from unnest($1, $2, $3, $4)", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Sequence).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.StreamId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Version).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Alias).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
        _lastSeen = events.Count > 0 ? events[^1].Sequence : _lastSeen;
        _rewound = false;
    }

    public async Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"truncate {table}", connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
        _lastSeen = 0;
        _rewound = true;
    }
}
