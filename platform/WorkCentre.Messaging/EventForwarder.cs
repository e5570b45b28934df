using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Polly;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;

namespace WorkCentre.Messaging;

/// <summary>Maps a service's domain events to the integration events other services may see; null = stays inside.</summary>
public interface IIntegrationEventMapper
{
    object? Map(EventEnvelope envelope);
}

/// <summary>
/// The outbox is the event store: this daemon subscription publishes each mapped event with MessageId = event id,
/// started in sequence order, and returns (so the daemon moves progress) only after the broker confirmed every publish.
/// A crash in between re-publishes the page; consumers' inboxes drop the repeats.
/// </summary>
public sealed class EventForwarder(IBus bus, IIntegrationEventMapper mapper, string serviceName, ILogger<EventForwarder> logger) : ISubscription
{
    public const string ShardName = "forwarder";
    public const string TraceParentHeader = "traceparent";

    // A broker that drops a connection usually takes it back within seconds; retry here before the daemon backs off.
    private static readonly ResiliencePipeline BrokerHiccups = new ResiliencePipelineBuilder()
        .AddRetry(new Polly.Retry.RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
        })
        .Build();

    private Task? _ownEndpointsStarted;

    public string Name => ShardName;

    public async Task HandleAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        // The daemon starts before the bus has bound this service's own queues; publishing then bounces (NO_ROUTE)
        // and is retried. Waiting once (at most 30 s, then publishing anyway) spares that round trip at every start.
        if (bus is IBusControl control)
        {
            await (_ownEndpointsStarted ??= control.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30))).WaitAsync(ct);
        }
        // Publishes start in sequence order and their confirms are awaited together: one broker fsync for the
        // page instead of one per event. Consumers deduplicate on MessageId and must not rely on strict order.
        var publishes = new List<Task>(events.Count);
        foreach (var envelope in events)
        {
            if (mapper.Map(envelope) is { } message)
            {
                publishes.Add(PublishAsync(envelope, message, ct));
            }
        }
        await Task.WhenAll(publishes);
        if (publishes.Count > 0)
        {
            logger.LogDebug("Forwarded {Count} integration events up to sequence {Sequence}", publishes.Count, events[^1].Sequence);
        }
    }

    private async Task PublishAsync(EventEnvelope envelope, object message, CancellationToken ct)
    {
        // Continue the trace of the request that caused the event, so one trace spans producer and consumers.
        var parent = envelope.Headers?.TryGetValue(TraceParentHeader, out var traceParent) == true
            && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        using var activity = Telemetry.Source.StartActivity($"forward {envelope.Alias}", ActivityKind.Producer, parent);
        activity?.SetTag("workcentre.event.sequence", envelope.Sequence);
        try
        {
            await PublishMandatoryAsync(envelope, message, ct);
        }
        catch (MessageReturnedException)
        {
            logger.LogWarning("No queue is bound for {MessageType} yet; the forwarder holds its progress until a consumer binds one", message.GetType().Name);
            throw;
        }
    }

    private Task PublishMandatoryAsync(EventEnvelope envelope, object message, CancellationToken ct) =>
        BrokerHiccups.ExecuteAsync(async token => await bus.Publish(message, message.GetType(), publish =>
        {
            // Without it an event published before any consumer bound its queue (a first deployment, intake up before
            // insights) was dropped by the broker, confirmed, and the forwarder moved on: lost for good.
            publish.Mandatory = true;
            publish.MessageId = envelope.Id;
            if (Guid.TryParse(envelope.CorrelationId, out var correlation))
            {
                publish.CorrelationId = correlation;
            }
            publish.Headers.Set(Headers.Source, serviceName);
            publish.Headers.Set(Headers.Sequence, envelope.Sequence);
            publish.Headers.Set(Headers.OccurredAt, envelope.OccurredAt.ToString("O"));
        }, token), ct).AsTask();

    public static class Headers
    {
        public const string Source = "workcentre-source";
        public const string Sequence = "workcentre-sequence";
        public const string OccurredAt = "workcentre-occurred-at";
    }
}

public static class Telemetry
{
    public const string SourceName = "WorkCentre.Messaging";
    public static readonly ActivitySource Source = new(SourceName);
}
