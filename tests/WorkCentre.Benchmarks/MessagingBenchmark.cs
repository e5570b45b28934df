using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Daemon;
using WorkCentre.Messaging;
using WorkCentre.Testing;

namespace WorkCentre.Benchmarks;

/// <summary>
/// End-to-end forwarding (event store → forwarder → broker → inbox consumer) against the fastest honest raw
/// RabbitMQ.Client publish-with-confirm + consume-with-ack (<see cref="RawRabbitBaseline"/>) on the same broker with
/// the same message body size, and append-to-consumer latency at a fixed rate.
/// Last line: <c>messaging_ratio=… raw_msgs_per_s=… p99_ms=…</c>.
/// </summary>
internal static class MessagingBenchmark
{
    private const int ConfirmWindow = 500;

    public static async Task RunAsync(string[] args)
    {
        var count = Option(args, "--events", 10_000);
        var rate = Option(args, "--rate", 200);
        var seconds = Option(args, "--seconds", 10);
        var rawCount = Option(args, "--raw-messages", 50_000);
        var rawRounds = Option(args, "--raw-rounds", 3);
        var defaults = new RawRabbitBaseline.Settings(0, 0, 0);
        var rawWindow = Option(args, "--raw-window", defaults.Window);
        var rawPrefetch = (ushort)Option(args, "--raw-prefetch", defaults.Prefetch);
        var rawAckEvery = Option(args, "--raw-ack-every", defaults.AckEvery);
        Console.WriteLine($"messaging benchmark: {count:N0} events end to end, latency at {rate}/s for {seconds}s, {Environment.ProcessorCount} cores, " +
            $"load average {LoadAverage()}");

        var db = new TestDatabase();
        var broker = new TestBroker();
        await Task.WhenAll(db.InitializeAsync(), broker.InitializeAsync());
        try
        {
            await RunOnAsync(db, broker, count, rawRounds, rate, seconds, raw => new RawRabbitBaseline.Settings(rawCount, raw, rawRounds, rawWindow, rawPrefetch, rawAckEvery));
        }
        finally
        {
            await Task.WhenAll(db.DisposeAsync(), broker.DisposeAsync());
        }
    }

    private static async Task RunOnAsync(TestDatabase db, TestBroker broker, int count, int rounds, int rate, int seconds, Func<int, RawRabbitBaseline.Settings> rawSettings)
    {
        var app = BuildService(db, broker);
        var store = app.Services.GetRequiredService<EventStore.EventStore>();
        await store.ApplySchemaAsync();
        var warmUp = Math.Min(2_000, count);
        await AppendAsync(store, warmUp);
        try
        {
            // Like the raw side's warm-up round: the bus is started, its queues bound and the code hot before anything is timed.
            Console.WriteLine($"warm-up: starting the service over {warmUp:N0} events");
            PingConsumer.Reset(warmUp);
            await app.StartAsync();
            await PingConsumer.AllArrived.WaitAsync(TimeSpan.FromMinutes(2));
            var throughput = await EndToEndAsync(app, store, count, rounds);
            Console.WriteLine($"forwarded and consumed end to end (median of {rounds}): {throughput:N0} events/s (message body {PingConsumer.BodyBytes} bytes)");

            // After the pipeline, so the raw side sends bodies of the size MassTransit's envelope actually has.
            var settings = rawSettings(PingConsumer.BodyBytes);
            Console.WriteLine(settings);
            var raw = await RawRabbitBaseline.MeasureAsync(new Uri(broker.ConnectionString), settings);
            Console.WriteLine($"raw publish+confirm, consume+ack (median): {raw:N0} messages/s");

            var (p50, p99) = await LatencyAsync(store, rate, seconds);
            Console.WriteLine($"append-to-consumer latency at {rate}/s: p50={p50:F1} ms p99={p99:F1} ms");
            Console.WriteLine($"load average at the end: {LoadAverage()}");
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"messaging_ratio={throughput / raw:F2} raw_msgs_per_s={raw:F0} p99_ms={p99:F1}"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static WebApplication BuildService(TestDatabase db, TestBroker broker)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["ConnectionStrings:Events"] = db.ConnectionString;
        builder.Configuration["ConnectionStrings:RabbitMq"] = broker.ConnectionString;
        builder.Environment.EnvironmentName = "Development";
        builder.AddEventSourcing(new EventSourcingSetup("bench")
        {
            Events = events => events.Map<PingRecorded>("bench.ping_recorded.v1"),
            IntegrationEvents = typeof(PingMapper),
            Consumers = [typeof(PingConsumer)],
            Daemon = new DaemonOptions { PageSize = ConfirmWindow },
        });
        return builder.Build();
    }

    private static async Task AppendAsync(EventStore.EventStore store, int count)
    {
        for (var i = 0; i < count; i += 10)
        {
            var id = Guid.CreateVersion7();
            await store.OpenSession().StartStream("bench", id, Enumerable.Range(0, Math.Min(10, count - i)).Select(_ => new PingRecorded(id, DateTimeOffset.UtcNow))).SaveChangesAsync();
        }
    }

    /// <summary>
    /// Rounds over a backlog, the median as the figure: with the daemon stopped, append <paramref name="count"/> events,
    /// then start it and time until the consumer has taken each through the inbox. The bus stays up throughout.
    /// </summary>
    private static async Task<double> EndToEndAsync(WebApplication app, EventStore.EventStore store, int count, int rounds)
    {
        var daemon = app.Services.GetRequiredService<ProjectionDaemon>();
        var figures = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            await daemon.StopAsync(CancellationToken.None);
            Console.WriteLine($"round {round}/{rounds}: appending {count:N0} events while the daemon is stopped");
            await AppendAsync(store, count);
            PingConsumer.Reset(count);
            await daemon.StartAsync(CancellationToken.None);
            var clock = Stopwatch.StartNew();
            var reported = TimeSpan.Zero;
            while (!PingConsumer.AllArrived.IsCompleted)
            {
                await Task.WhenAny(PingConsumer.AllArrived, Task.Delay(1_000));
                if (clock.Elapsed - reported >= TimeSpan.FromSeconds(1))
                {
                    reported = clock.Elapsed;
                    Console.WriteLine($"  consumed {PingConsumer.Consumed:N0} / {count:N0}");
                }
            }
            figures.Add(count / clock.Elapsed.TotalSeconds);
            Console.WriteLine($"  {figures[^1]:N0} events/s");
        }
        return figures.Order().ElementAt(figures.Count / 2);
    }

    private static async Task<(double P50, double P99)> LatencyAsync(EventStore.EventStore store, int rate, int seconds)
    {
        var total = rate * seconds;
        PingConsumer.Reset(total);
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = interval * i;
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            var id = Guid.CreateVersion7();
            await store.OpenSession().StartStream("bench", id, new PingRecorded(id, DateTimeOffset.UtcNow)).SaveChangesAsync();
        }
        await PingConsumer.AllArrived.WaitAsync(TimeSpan.FromMinutes(2));
        var latencies = PingConsumer.Latencies.Order().ToArray();
        return (latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)]);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}

public sealed record PingRecorded(Guid PingId, DateTimeOffset OccurredAt) : IOccurredAt;

[MessageUrn("workcentre:bench:ping:v1")]
public sealed record Ping(Guid PingId, DateTimeOffset OccurredAt);

internal sealed class PingMapper : IIntegrationEventMapper
{
    public object? Map(EventEnvelope envelope) => envelope.Data is PingRecorded p ? new Ping(p.PingId, p.OccurredAt) : null;
}

internal sealed class PingConsumer(NpgsqlDataSource dataSource, ILogger<PingConsumer> logger) : InboxBatchConsumer<Ping>(dataSource, logger)
{
    private static int _consumed;
    private static int _expected;
    private static TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ConcurrentBag<double> Latencies { get; private set; } = [];
    public static int Consumed => Volatile.Read(ref _consumed);

    /// <summary>The size of the first consumed message's body, MassTransit's envelope included.</summary>
    public static int BodyBytes { get; private set; }
    public static Task AllArrived => _allArrived.Task;

    public static void Reset(int expected)
    {
        _consumed = 0;
        _expected = expected;
        Latencies = [];
        _allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    protected override Task HandleAsync(ConsumeContext<Ping> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        Latencies.Add((DateTimeOffset.UtcNow - context.Message.OccurredAt).TotalMilliseconds);
        if (BodyBytes == 0)
        {
            BodyBytes = context.ReceiveContext.Body.GetBytes().Length;
        }
        if (Interlocked.Increment(ref _consumed) == _expected)
        {
            _allArrived.TrySetResult();
        }
        return Task.CompletedTask;
    }
}
