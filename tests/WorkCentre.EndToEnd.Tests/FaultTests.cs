using System.Diagnostics;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Daemon;
using WorkCentre.EventStore.Projections;
using WorkCentre.Insights;
using WorkCentre.Insights.Inquiries;
using WorkCentre.Intake;
using WorkCentre.Messaging;
using WorkCentre.Privacy;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>Faults that touch the shared broker run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerFaults
{
    public const string Name = "broker faults";
}

[Collection(BrokerFaults.Name)]
public sealed class FaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TestBroker _broker = new();
    private readonly TestDatabase _intakeDatabase = new();
    private readonly TestDatabase _insightsDatabase = new();

    public Task InitializeAsync() => Task.WhenAll(_broker.InitializeAsync(), _intakeDatabase.InitializeAsync(), _insightsDatabase.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_intakeDatabase.DisposeAsync(), _insightsDatabase.DisposeAsync(), _broker.DisposeAsync());

    [Fact]
    public async Task Given_a_run_of_1000_inquiries_When_the_broker_restarts_midway_Then_all_arrive_and_none_twice()
    {
        await using var intake = new ServiceHost<IntakeEntryPoint>(_intakeDatabase, _broker,
            settings: new Dictionary<string, string?> { ["RateLimiting:PermitsPerMinute"] = "10000" });
        await using var insights = await InsightsAsync();
        using var advisor = intake.ClientAs(Roles.Advisor);

        for (var i = 0; i < 1_000; i++)
        {
            if (i == 500)
            {
                await Broker.RestartAsync();
            }
            (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(), Json.Options)).EnsureSuccessStatusCode();
        }

        await Eventually.TrueAsync(async () => await insights.ScalarAsync("select count(*) from events.events") == 1_000, Patience, "all 1,000 inquiries should reach insights");
        Assert.Equal(1_000, await insights.ScalarAsync("select count(distinct stream_id) from events.events"));
        Assert.Equal(1_000, await insights.ScalarAsync("select coalesce(sum(inquiries), 0) from insights.inquiry_summary"));
    }

    [Fact]
    public async Task Given_the_forwarder_dies_after_publishing_but_before_saving_progress_When_it_resumes_Then_the_event_is_published_again_and_consumed_once()
    {
        CrashOnceAfterPublish? crashing = null;
        await using var intake = new ServiceHost<IntakeEntryPoint>(_intakeDatabase, _broker, services => services.AddSingleton(sp =>
        {
            var forwarder = new EventForwarder(sp.GetRequiredService<IBus>(), sp.GetRequiredService<IIntegrationEventMapper>(), IntakeService.Name,
                sp.GetRequiredService<ILogger<EventForwarder>>());
            crashing = new CrashOnceAfterPublish(forwarder);
            return new ProjectionDaemon(sp.GetRequiredService<EventStore.EventStore>(), [], [crashing], new DaemonOptions(), sp.GetRequiredService<ILogger<ProjectionDaemon>>());
        }));
        await using var insights = await InsightsAsync();
        using var advisor = intake.ClientAs(Roles.Advisor);

        (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(), Json.Options)).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(() => Task.FromResult(crashing!.Deliveries >= 2), Patience, "the forwarder should publish the page again after the crash");
        await Eventually.TrueAsync(async () => await insights.ScalarAsync("select count(*) from messaging.inbox") == 1, Patience, "insights should consume it");
        await intake.Service<ProjectionDaemon>().WaitForCatchUpAsync(Patience);
        Assert.Equal(1, await insights.ScalarAsync("select count(*) from events.events"));
        Assert.Equal(1, await insights.ScalarAsync("select sum(inquiries) from insights.inquiry_summary"));
    }

    [Fact]
    public async Task Given_a_consumer_that_keeps_failing_When_retries_run_out_Then_the_message_is_in_the_error_queue_and_nothing_is_half_written()
    {
        await using var intake = new ServiceHost<IntakeEntryPoint>(_intakeDatabase, _broker);
        await using var insights = await InsightsAsync(services => services.AddSingleton(sp => new EventStore.EventStore(new EventStoreOptions
        {
            DataSource = sp.GetRequiredService<NpgsqlDataSource>(),
            Types = new EventTypeRegistry().MapReceivedIntakeEvents(),
            Protector = sp.GetRequiredService<PersonalDataProtector>(),
            InlineProjections = [sp.GetRequiredService<InquirySummaryProjection>(), new RejectsMunicipality("Faultdam")],
        })));
        using var advisor = intake.ClientAs(Roles.Advisor);

        (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry("Faultdam"), Json.Options)).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(async () => await _broker.MessagesInAsync("insights-inquiry-registered_error") == 1, Patience,
            "the message should land in the error queue after its retries");
        Assert.Equal(0, await insights.ScalarAsync("select count(*) from events.events"));
        Assert.Equal(0, await insights.ScalarAsync("select count(*) from messaging.inbox"));
        Assert.Equal(0, await insights.ScalarAsync("select count(*) from insights.inquiry_summary"));
    }

    [Fact]
    public async Task Given_a_batch_with_one_poison_message_When_consumed_Then_the_others_are_handled_and_only_the_poison_fails()
    {
        await using var insights = await InsightsAsync(services => services.AddSingleton(sp => new EventStore.EventStore(new EventStoreOptions
        {
            DataSource = sp.GetRequiredService<NpgsqlDataSource>(),
            Types = new EventTypeRegistry().MapReceivedIntakeEvents(),
            Protector = sp.GetRequiredService<PersonalDataProtector>(),
            InlineProjections = [sp.GetRequiredService<InquirySummaryProjection>(), new RejectsMunicipality("Faultdam")],
        })));
        var bus = insights.Service<IBus>();
        var municipalities = new[] { "Hilversum", "Huizen", "Faultdam", "Laren", "Weesp" };

        await bus.PublishBatch(municipalities.Select(m =>
            new InquiryRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, InquiryChannel.WalkIn, RequesterType.Resident, QuestionDomain.Working, m, "Town hall")));

        await Eventually.TrueAsync(async () => await _broker.MessagesInAsync("insights-inquiry-registered_error") >= 1, Patience,
            "the poison message should end in the error queue");
        await Eventually.TrueAsync(async () => await insights.ScalarAsync("select count(*) from events.events") == 4, Patience,
            "the four good messages should be handled");
        Assert.Equal(4, await insights.ScalarAsync("select count(*) from messaging.inbox"));
        Assert.Equal(4, await insights.ScalarAsync("select sum(inquiries) from insights.inquiry_summary"));
    }

    /// <summary>Insights, ready: its queues are bound before anything is published into the fresh virtual host.</summary>
    private async Task<ServiceHost<InsightsEntryPoint>> InsightsAsync(Action<IServiceCollection>? services = null)
    {
        var host = new ServiceHost<InsightsEntryPoint>(_insightsDatabase, _broker, services);
        await host.WaitUntilReadyAsync();
        return host;
    }

    /// <summary>Publishes, then fails once before the daemon can save progress: a process dying at the worst moment.</summary>
    private sealed class CrashOnceAfterPublish(ISubscription inner) : ISubscription
    {
        private int _deliveries;

        public string Name => inner.Name;

        public int Deliveries => Volatile.Read(ref _deliveries);

        public async Task HandleAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            await inner.HandleAsync(events, ct);
            if (Interlocked.Increment(ref _deliveries) == 1)
            {
                throw new InvalidOperationException("forwarder died before saving its progress");
            }
        }
    }

    private sealed class RejectsMunicipality(string municipality) : IProjection
    {
        public string Name => "rejects";

        public Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct) =>
            events.Any(e => e.Data is InquiryRegistered { Municipality: var m } && m == municipality)
                ? throw new InvalidOperationException("read model rejects this inquiry")
                : Task.CompletedTask;

        public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;
    }
}

/// <summary>Restarts the RabbitMQ application of the broker <c>./workcentre</c> started (the Erlang node stays up).</summary>
public static class Broker
{
    public static async Task RestartAsync()
    {
        var cli = Environment.GetEnvironmentVariable("WORKCENTRE_CLI")
            ?? throw new InvalidOperationException("WORKCENTRE_CLI is not set; run the tests through ./workcentre test.");
        foreach (var command in new[] { "stop_app", "start_app", "await_startup" })
        {
            using var process = Process.Start(new ProcessStartInfo(cli, ["infra", "rabbitmqctl", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"rabbitmqctl {command} failed: {await error}");
            }
        }
    }
}
