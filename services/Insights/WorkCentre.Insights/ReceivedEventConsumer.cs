using MassTransit;
using Npgsql;
using WorkCentre.Contracts;
using WorkCentre.EventStore;
using WorkCentre.Messaging;

namespace WorkCentre.Insights;

/// <summary>
/// Keeps an integration event as it arrived, in insights' own store under the stream it belongs to, in the inbox's
/// transaction; read models follow inline. So every aggregate can be rebuilt from what insights was told.
/// </summary>
public abstract class ReceivedEventConsumer<T>(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger logger, string streamType, Func<T, Guid> streamOf)
    : InboxBatchConsumer<T>(dataSource, logger)
    where T : class, IIntegrationEvent
{
    protected override async Task HandleAsync(ConsumeContext<T> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var metadata = new EventMetadata
        {
            CorrelationId = context.CorrelationId?.ToString(),
            CausationId = context.MessageId?.ToString(),
            Actor = context.Headers.Get<string>(EventForwarder.Headers.Source),
        };
        await store.OpenSession(connection, transaction, metadata).AppendAny(streamType, streamOf(context.Message), context.Message).SaveChangesAsync(ct);
    }
}
