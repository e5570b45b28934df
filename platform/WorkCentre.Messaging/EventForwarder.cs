using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
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
/// in sequence order, and returns (so the daemon moves progress) only after the broker confirmed every publish.
/// A crash in between re-publishes the page; consumers' inboxes drop the repeats.
/// </summary>
public sealed class EventForwarder(IBus bus, IIntegrationEventMapper mapper, string serviceName, ILogger<EventForwarder> logger) : ISubscription
{
    public const string ShardName = "forwarder";
    public const string TraceParentHeader = "traceparent";

    public string Name => ShardName;

    public async Task HandleAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
    {
        var published = 0;
        foreach (var envelope in events)
        {
            var message = mapper.Map(envelope);
            if (message is null)
            {
                continue;
            }
            await PublishAsync(envelope, message, ct);
            published++;
        }
        if (published > 0)
        {
            logger.LogDebug("Forwarded {Count} integration events up to sequence {Sequence}", published, events[^1].Sequence);
        }
    }

    private async Task PublishAsync(EventEnvelope envelope, object message, CancellationToken ct)
    {
        // Continue the trace of the request that caused the event, so one trace spans producer and consumers.
        var parent = envelope.Headers?.TryGetValue(TraceParentHeader, out var traceParent) == true
            && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
        using var activity = Telemetry.Source.StartActivity($"forward {envelope.Alias}", ActivityKind.Producer, parent);
        activity?.SetTag("workcentre.event.sequence", envelope.Sequence);
        await bus.Publish(message, message.GetType(), publish =>
        {
            publish.MessageId = envelope.Id;
            if (Guid.TryParse(envelope.CorrelationId, out var correlation))
            {
                publish.CorrelationId = correlation;
            }
            publish.Headers.Set(Headers.Source, serviceName);
            publish.Headers.Set(Headers.Sequence, envelope.Sequence);
            publish.Headers.Set(Headers.OccurredAt, envelope.OccurredAt.ToString("O"));
        }, ct);
    }

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
