using System.Net;
using System.Net.Http.Json;
using Npgsql;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.EventStore.Daemon;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>What an operator watches: backlogs that grow while something is stuck and drain to zero after.</summary>
public sealed class OperatorMetricsTests(IntakeAndInsights services) : IClassFixture<IntakeAndInsights>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Given_a_forwarder_that_cannot_record_its_progress_When_inquiries_arrive_and_it_is_released_Then_the_backlog_shows_them_and_drains_to_zero()
    {
        using var metrics = new MetricsRecorder("WorkCentre.Messaging", ProjectionDaemon.MeterName);
        var intake = ("db.namespace", (object?)services.Intake.Database.Name);
        var before = await services.SummaryAsync();
        // The seed's events at start-up must be behind the forwarder before it is held, or they would count too.
        await Eventually.TrueAsync(() => Task.FromResult(metrics.Gauge("workcentre.forwarder.backlog", intake) == 0), Patience, "the forwarder should be caught up");
        await using var holder = await services.Intake.DataSource.OpenConnectionAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await Eventually.TrueAsync(async () =>
        {
            // The row appears once the daemon leads; holding it keeps the forwarder from moving on, as a broker outage would.
            await using var lockRow = new NpgsqlCommand("select count(*) from (select 1 from events.event_progression where name = 'forwarder' for update) r", holder, hold);
            return (long)(await lockRow.ExecuteScalarAsync())! == 1;
        }, Patience, "the forwarder should have a progress row");

        using var advisor = services.Intake.ClientAs(Roles.Advisor);
        for (var i = 0; i < 3; i++)
        {
            (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(), Json.Options)).EnsureSuccessStatusCode();
        }
        await Eventually.TrueAsync(() => Task.FromResult(metrics.Gauge("workcentre.forwarder.backlog", intake) == 3), Patience,
            "the forwarder backlog should count the three events it has not finished");
        // Awaited, not read once: the leadership may be between terms for a moment, reporting nothing.
        await Eventually.TrueAsync(() => Task.FromResult(metrics.Gauge("workcentre.daemon.lag", intake, ("shard", "forwarder")) == 3), Patience,
            "the daemon should report the forwarder shard three events behind");

        await hold.RollbackAsync();

        await Eventually.TrueAsync(() => Task.FromResult(metrics.Gauge("workcentre.forwarder.backlog", intake) == 0), Patience, "the backlog should drain");
        await Eventually.TrueAsync(async () => (await services.SummaryAsync()).Total == before.Total + 3, Patience, "insights should count the three");
        Assert.True(metrics.Recorded("workcentre.inbox.batch.size").Sum() >= 3, "the inbox should have recorded the batches it consumed");
    }

    [Fact]
    public async Task Given_a_running_service_When_prometheus_scrapes_it_anonymously_Then_lag_and_backlog_are_there()
    {
        using var anonymous = services.Intake.CreateClient();

        var response = await anonymous.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("workcentre_daemon_lag{", text, StringComparison.Ordinal);
        Assert.Contains("workcentre_forwarder_backlog{", text, StringComparison.Ordinal);
        Assert.Contains("workcentre_outbox_backlog{", text, StringComparison.Ordinal);
    }
}
