using WorkCentre.EventStore;
using WorkCentre.EventStore.Daemon;

namespace WorkCentre.Messaging;

/// <summary>What a service brings to the shared event-sourcing and messaging platform.</summary>
public sealed record EventSourcingSetup(string ServiceName)
{
    public Action<EventTypeRegistry> Events { get; init; } = _ => { };

    /// <summary>Projection types run in the append's transaction (registered as singletons).</summary>
    public IReadOnlyList<Type> InlineProjections { get; init; } = [];

    /// <summary>Projection types the daemon runs.</summary>
    public IReadOnlyList<Type> AsyncProjections { get; init; } = [];

    /// <summary>An <see cref="IIntegrationEventMapper"/>; with it, the daemon forwards mapped events to the broker.</summary>
    public Type? IntegrationEvents { get; init; }

    /// <summary>MassTransit consumer types; each gets its own kebab-case queue prefixed with the service name.</summary>
    public IReadOnlyList<Type> Consumers { get; init; } = [];

    public IReadOnlyList<Type> TimerHandlers { get; init; } = [];

    public DaemonOptions Daemon { get; init; } = new();
}

/// <summary>A read model that owns tables; the platform creates them at start-up, before the daemon runs.</summary>
public interface IReadModelSchema
{
    Task ApplyAsync(Npgsql.NpgsqlDataSource dataSource, CancellationToken ct);
}
