using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WorkCentre.Messaging;

/// <summary>
/// A consumer whose work and its inbox row commit in one PostgreSQL transaction: a redelivered message finds its
/// row and is acknowledged without effect, so at-least-once delivery has an exactly-once effect.
/// </summary>
public abstract class InboxConsumer<TMessage>(NpgsqlDataSource dataSource, ILogger logger) : IConsumer<TMessage>
    where TMessage : class
{
    /// <summary>The name the inbox keys on; two consumers of one message each get it once.</summary>
    protected virtual string InboxName => GetType().Name;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        // Without a message id there is nothing to deduplicate on; such a message is a producer bug.
        var messageId = context.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId.");
        var ct = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var claim = new NpgsqlCommand(
            "insert into messaging.inbox (message_id, consumer) values ($1, $2) on conflict do nothing", connection, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = messageId });
            claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = InboxName });
            if (await claim.ExecuteNonQueryAsync(ct) == 0)
            {
                logger.LogInformation("{Consumer} already handled message {MessageId}; acknowledging the duplicate", InboxName, messageId);
                return;
            }
        }
        await HandleAsync(context, connection, tx, ct);
        await tx.CommitAsync(ct);
    }

    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}
