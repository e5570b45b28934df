using System.Diagnostics.Metrics;
using Npgsql;
using WorkCentre.EventStore.Daemon;

namespace WorkCentre.Messaging;

/// <summary>What an operator watches on the messaging side, on the <c>WorkCentre.Messaging</c> meter.</summary>
internal static class MessagingMetrics
{
    private static readonly Meter Meter = new(Telemetry.SourceName);

    private static readonly Histogram<int> InboxBatchSizes = Meter.CreateHistogram<int>(
        "workcentre.inbox.batch.size", unit: "{message}", description: "Messages per inbox batch, duplicates included.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200] });

    private static readonly Counter<long> InboxFaults = Meter.CreateCounter<long>(
        "workcentre.inbox.faults", unit: "{message}", description: "Messages whose handler failed; they are retried, then go to the _error queue.");

    /// <summary>Events committed but not yet confirmed by the broker: the forwarder shard's distance to the high-water mark.</summary>
    public static void ObserveForwarder(IMeterFactory meters, ProjectionDaemon daemon, NpgsqlDataSource dataSource)
    {
        // From the container's factory, so the gauge goes when the service does (tests run many in one process).
        var meter = meters.Create(Telemetry.SourceName);
        var tags = new KeyValuePair<string, object?>[] { new("db.namespace", DatabaseName(dataSource)) };
        meter.CreateObservableGauge("workcentre.forwarder.backlog", () =>
            daemon.IsLeader && daemon.Positions.TryGetValue(EventForwarder.ShardName, out var position)
                ? [new Measurement<long>(Math.Max(0, daemon.HighWaterMark - position), tags)]
                : Array.Empty<Measurement<long>>(),
            unit: "{event}", description: "Events not yet forwarded to the broker.");
    }

    public static string? DatabaseName(NpgsqlDataSource dataSource) => new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database;

    public static void InboxBatch(string consumer, int size) => InboxBatchSizes.Record(size, new KeyValuePair<string, object?>("consumer", consumer));

    public static void InboxFault(string consumer) => InboxFaults.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
}
