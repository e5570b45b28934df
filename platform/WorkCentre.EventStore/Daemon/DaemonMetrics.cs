using System.Diagnostics.Metrics;
using Npgsql;

namespace WorkCentre.EventStore.Daemon;

/// <summary>
/// The daemon's instruments, on the <c>WorkCentre.EventStore</c> meter. Every one is tagged with the database and
/// schema, so two stores in one process (tests, tools) never blur into one series.
/// </summary>
internal static class DaemonMetrics
{
    public const string MeterName = "WorkCentre.EventStore";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "workcentre.daemon.dead_letters", unit: "{event}", description: "Events a shard set aside in dead_letter_events.");

    public static void DeadLettered(EventStore store, string shard) =>
        DeadLetters.Add(1, StoreTags(store, shard));

    public static KeyValuePair<string, object?>[] StoreTags(EventStore store, string? shard = null) => shard is null
        ? [new("db.namespace", DatabaseName(store.DataSource)), new("db.schema", store.Options.Schema)]
        : [new("db.namespace", DatabaseName(store.DataSource)), new("db.schema", store.Options.Schema), new("shard", shard)];

    private static string? DatabaseName(NpgsqlDataSource dataSource) =>
        new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).Database;
}
