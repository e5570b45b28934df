using Npgsql;

namespace WorkCentre.EventStore.Projections;

/// <summary>
/// A read model kept by applying events inside a transaction: inline (in the append's transaction) or
/// asynchronously by the daemon (read model and progress committed together).
/// </summary>
public interface IProjection
{
    /// <summary>Stable name; the daemon keeps this shard's progress under it.</summary>
    string Name { get; }

    Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct);

    /// <summary>Empties the read model before a rebuild.</summary>
    Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}

/// <summary>
/// A handler run by the daemon outside the database transaction (the broker forwarder is one). Progress moves
/// only after it returns, so it sees events at least once, in order; failures are retried with back-off.
/// </summary>
public interface ISubscription
{
    string Name { get; }

    Task HandleAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct);
}
