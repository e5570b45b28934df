using System.Net;
using System.Net.Sockets;
using MassTransit;
using MassTransit.UsageTracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Messaging;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>How every service reaches the broker, whatever the service: the platform's wiring on its own.</summary>
public sealed class BrokerWiringTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TestDatabase _database = new();
    private readonly TestBroker _broker = new();

    public Task InitializeAsync() => Task.WhenAll(_database.InitializeAsync(), _broker.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_database.DisposeAsync(), _broker.DisposeAsync());

    [Fact]
    public async Task Given_an_amqps_broker_address_When_the_service_starts_Then_its_broker_connection_opens_with_tls()
    {
        using var broker = new TcpListener(IPAddress.Loopback, 0);
        broker.Start();
        var port = ((IPEndPoint)broker.LocalEndpoint).Port;
        await using var app = PlatformHost.Build(_database, $"amqps://guest:guest@127.0.0.1:{port}/", new EventSourcingSetup("platform"));
        await app.StartAsync();

        // The start-up probe connects and sends nothing; the bus's connection starts with its first byte: 0x16 is a
        // TLS handshake record, 'A' the plaintext "AMQP" protocol header.
        using var deadline = new CancellationTokenSource(Patience);
        int first;
        do
        {
            using var client = await broker.AcceptTcpClientAsync(deadline.Token);
            var buffer = new byte[1];
            first = await client.GetStream().ReadAsync(buffer, deadline.Token) == 1 ? buffer[0] : -1;
        }
        while (first == -1);

        Assert.Equal(0x16, first);
    }

    [Theory]
    [InlineData("amqps://guest:guest@rabbit.internal/", 5671, true)]
    [InlineData("amqp://guest:guest@rabbit.internal/", 5672, false)]
    [InlineData("amqps://guest:guest@rabbit.internal:6671/", 6671, true)]
    public void Given_a_broker_address_without_a_port_Then_the_scheme_decides_the_port_and_tls(string address, int port, bool tls)
    {
        var broker = BrokerAddress.Parse(address);

        Assert.Equal(port, broker.Port);
        Assert.Equal(tls, broker.UseTls);
    }

    [Fact]
    public async Task Given_a_broker_address_with_an_unknown_scheme_When_the_service_starts_Then_it_refuses_with_a_clear_error()
    {
        await using var app = PlatformHost.Build(_database, new UriBuilder(_broker.ConnectionString) { Scheme = "http", Password = "s3cret" }.Uri.ToString(),
            new EventSourcingSetup("platform"));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("'http'", refused.Message);
        Assert.Contains("amqps", refused.Message);
        Assert.DoesNotContain("s3cret", refused.Message);
    }

    [Fact]
    public async Task Given_any_service_When_its_bus_is_configured_Then_mass_transit_usage_telemetry_is_off()
    {
        await using var app = PlatformHost.Build(_database, _broker.ConnectionString, new EventSourcingSetup("platform"));

        // MassTransit's tracker posts usage to a third-party host after the bus starts unless this is off.
        var tracker = Assert.IsType<UsageTracker>(app.Services.GetRequiredService<IUsageTracker>());
        Assert.False(tracker.Enabled);
    }

    [Fact]
    public async Task Given_two_consumers_with_the_same_class_name_When_a_message_arrives_Then_each_handles_it_once()
    {
        await _database.ExecuteAsync("create table counted (consumer text not null, message_id uuid not null)");
        await using var app = PlatformHost.Build(_database, _broker.ConnectionString, new EventSourcingSetup("platform")
        {
            Consumers = [typeof(Left.InquiryCounter), typeof(Right.InquiryCounter)],
        });
        await app.StartAsync();
        await ReadyAsync(app);

        await app.Services.GetRequiredService<IBus>().Publish(
            new InquiryRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, InquiryChannel.Phone, RequesterType.Resident, QuestionDomain.Career, "Huizen", "Library"));

        await Eventually.TrueAsync(async () => await _database.ScalarAsync("select count(distinct consumer) from counted") == 2, Patience,
            "both consumers should handle the message");
        Assert.Equal(2, await _database.ScalarAsync("select count(*) from counted"));
        Assert.Equal(2, await _database.ScalarAsync("select count(*) from messaging.inbox"));
    }

    private static Task ReadyAsync(WebApplication app) =>
        Eventually.TrueAsync(async () => (await app.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(check => check.Tags.Contains(EventSourcingHost.ReadyTag))).Status == HealthStatus.Healthy, Patience, "the service should become ready");

    /// <summary>Two teams each wrote an "InquiryCounter"; only their namespaces (here: enclosing types) differ.</summary>
    public static class Left
    {
        public sealed class InquiryCounter(NpgsqlDataSource dataSource, ILogger<InquiryCounter> logger) : InboxBatchConsumer<InquiryRegistered>(dataSource, logger)
        {
            protected override Task HandleAsync(ConsumeContext<InquiryRegistered> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
                Counted.RecordAsync("left", context, connection, transaction, ct);
        }
    }

    public static class Right
    {
        public sealed class InquiryCounter(NpgsqlDataSource dataSource, ILogger<InquiryCounter> logger) : InboxBatchConsumer<InquiryRegistered>(dataSource, logger)
        {
            protected override Task HandleAsync(ConsumeContext<InquiryRegistered> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
                Counted.RecordAsync("right", context, connection, transaction, ct);
        }
    }

    private static class Counted
    {
        public static async Task RecordAsync(string consumer, ConsumeContext context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand("insert into counted (consumer, message_id) values ($1, $2)", connection, transaction);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = context.MessageId!.Value });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }
}
