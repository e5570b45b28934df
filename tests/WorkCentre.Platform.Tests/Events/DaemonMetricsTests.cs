using Npgsql;
using WorkCentre.EventStore.Daemon;
using WorkCentre.Platform.Tests.Infrastructure;
using WorkCentre.Testing;
using static WorkCentre.Platform.Tests.Infrastructure.TestStores;

namespace WorkCentre.Platform.Tests.Events;

public sealed class DaemonMetricsTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Given_a_burst_of_appends_a_shard_cannot_commit_yet_When_it_catches_up_Then_its_lag_reports_the_backlog_and_then_zero()
    {
        using var metrics = new MetricsRecorder(ProjectionDaemon.MeterName);
        var store = await CreateAsync(db);
        var projection = new RecordingProjection("recording", $"{store.Options.Schema}.recorded");
        await db.ExecuteAsync(projection.CreateTableSql);
        await using var daemon = new ProjectionDaemon(store, [projection], options: new DaemonOptions { StaleThreshold = TimeSpan.FromMilliseconds(500) });
        await daemon.StartAsync(default);
        await daemon.WaitForCatchUpAsync(Patience);
        (string, object?)[] shard = [("db.schema", store.Options.Schema), ("shard", projection.Name)];

        // Holding the shard's progress row keeps it from committing a page, as a slow read model would.
        await using var holder = await db.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await Eventually.TrueAsync(async () =>
        {
            // The row appears once the shard has started.
            await using var lockRow = new NpgsqlCommand(
                $"select count(*) from (select 1 from {store.Options.Schema}.event_progression where name = 'recording' for update) r", holder, hold);
            return (long)(await lockRow.ExecuteScalarAsync())! == 1;
        }, Patience, "the shard should have a progress row");
        for (var i = 0; i < 5; i++)
        {
            var session = store.OpenSession();
            for (var j = 0; j < 10; j++)
            {
                var id = Guid.CreateVersion7();
                session.StartStream("inquiry", id, Registered(id));
            }
            await session.SaveChangesAsync();
        }
        await Eventually.TrueAsync(() => Task.FromResult(metrics.Gauge("workcentre.daemon.lag", shard) == 50), Patience,
            "the lag should count the 50 events above the stuck shard");
        // Awaited, not read once: under load the leadership may be between terms for a moment, reporting nothing.
        await Eventually.TrueAsync(() => Task.FromResult(metrics.Gauge("workcentre.daemon.lag_time", shard) > 0), Patience,
            "a shard behind the mark is behind in time too");
        Assert.Equal(50, metrics.Gauge("workcentre.daemon.high_water_mark", ("db.schema", store.Options.Schema)));

        await hold.RollbackAsync();
        await daemon.WaitForCatchUpAsync(Patience);

        Assert.Equal(0, metrics.Gauge("workcentre.daemon.lag", shard));
        Assert.Equal(0, metrics.Gauge("workcentre.daemon.lag_time", shard));
    }
}
