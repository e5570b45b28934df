using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Daemon;
using WorkCentre.EventStore.Projections;
using WorkCentre.Insights;
using WorkCentre.Intake;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>What the forwarder does when the broker has nowhere to route an integration event.</summary>
public sealed class ForwarderRoutingTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TestBroker _broker = new();
    private readonly TestDatabase _intakeDatabase = new();
    private readonly TestDatabase _insightsDatabase = new();

    public Task InitializeAsync() => Task.WhenAll(_broker.InitializeAsync(), _intakeDatabase.InitializeAsync(), _insightsDatabase.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_intakeDatabase.DisposeAsync(), _insightsDatabase.DisposeAsync(), _broker.DisposeAsync());

    [Fact]
    public async Task Given_no_consumer_queue_is_bound_yet_When_intake_forwards_an_event_Then_it_is_held_and_arrives_once_insights_binds()
    {
        CountingAttempts? forwarder = null;
        await using var intake = new ServiceHost<IntakeEntryPoint>(_intakeDatabase, _broker, services => services.AddSingleton(sp =>
        {
            forwarder = new CountingAttempts(new EventForwarder(sp.GetRequiredService<IBus>(), sp.GetRequiredService<IIntegrationEventMapper>(),
                IntakeService.Name, sp.GetRequiredService<ILogger<EventForwarder>>()));
            return new ProjectionDaemon(sp.GetRequiredService<EventStore.EventStore>(), [], [forwarder], new DaemonOptions(), sp.GetRequiredService<ILogger<ProjectionDaemon>>());
        }));
        using var advisor = intake.ClientAs(Roles.Advisor);

        // A first deployment in which intake starts before insights: nothing is bound to the event's exchange yet.
        (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(), Json.Options)).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(() => Task.FromResult(forwarder!.Attempts >= 1), Patience, "the forwarder should have tried to publish");
        await using var insights = new ServiceHost<InsightsEntryPoint>(_insightsDatabase, _broker);
        await insights.WaitUntilReadyAsync();

        await Eventually.TrueAsync(async () => await insights.ScalarAsync("select count(*) from events.events") == 1, Patience,
            "the event should reach insights once its queue is bound");
        await intake.Service<ProjectionDaemon>().WaitForCatchUpAsync(Patience);
        Assert.Equal(1, await insights.ScalarAsync("select count(*) from messaging.inbox"));
    }

    /// <summary>Counts the forwarder's finished attempts at a page, whether they succeeded or not.</summary>
    private sealed class CountingAttempts(ISubscription inner) : ISubscription
    {
        private int _attempts;

        public string Name => inner.Name;

        public int Attempts => Volatile.Read(ref _attempts);

        public async Task HandleAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            try
            {
                await inner.HandleAsync(events, ct);
            }
            finally
            {
                Interlocked.Increment(ref _attempts);
            }
        }
    }
}
