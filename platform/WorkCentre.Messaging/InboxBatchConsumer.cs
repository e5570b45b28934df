using MassTransit;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WorkCentre.Messaging;

/// <summary>
/// An inbox consumer that takes messages in batches: one transaction claims every message id of the batch,
/// handles those not seen before and commits once, so a busy queue costs one commit per batch instead of
/// one per message. A handler failure rolls the batch back and MassTransit retries it; already-handled
/// messages of a retried batch are then skipped by the inbox.
/// </summary>
public abstract class InboxBatchConsumer<TMessage>(NpgsqlDataSource dataSource, ILogger logger) : IConsumer<Batch<TMessage>>
    where TMessage : class
{
    /// <summary>
    /// The name the inbox keys on; two consumers of one message each get it once. The full name, because two
    /// consumers with one class name in different namespaces once shared a key and only one of them saw each message.
    /// </summary>
    protected virtual string InboxName => GetType().FullName ?? GetType().Name;

    public async Task Consume(ConsumeContext<Batch<TMessage>> context)
    {
        var ct = context.CancellationToken;
        MessagingMetrics.InboxBatch(InboxName, context.Message.Length);
        try
        {
            await ProcessAsync(context.Message, isolate: false, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not NpgsqlException { IsTransient: true })
        {
            // One bad message must not hold the rest of its batch back: commit the good ones, then fail so the
            // bad one is retried and ends in the _error queue (the good ones' copies there are inbox-skipped).
            logger.LogWarning("{Consumer} failed a batch of {Count} ({Error}); handling its messages one by one",
                InboxName, context.Message.Length, ex.GetType().Name);
            await ProcessAsync(context.Message, isolate: true, ct);
        }
    }

    private async Task ProcessAsync(Batch<TMessage> messages, bool isolate, CancellationToken ct)
    {
        // Without a message id there is nothing to deduplicate on; such a message is a producer bug.
        var ids = messages.Select(m => m.MessageId ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a MessageId.")).ToArray();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var fresh = await ClaimAsync(connection, tx, ids, ct);
        if (fresh.Count < ids.Length)
        {
            logger.LogInformation("{Consumer} skips {Count} messages it already handled", InboxName, ids.Length - fresh.Count);
        }
        Exception? failure = null;
        foreach (var message in messages)
        {
            // Remove, so a message delivered twice within one batch is handled once.
            if (!fresh.Remove(message.MessageId!.Value))
            {
                continue;
            }
            if (!isolate)
            {
                await HandleAsync(message, connection, tx, ct);
                continue;
            }
            await tx.SaveAsync("message", ct);
            try
            {
                await HandleAsync(message, connection, tx, ct);
                await tx.ReleaseAsync("message", ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not NpgsqlException { IsTransient: true })
            {
                await tx.RollbackAsync("message", ct);
                // Give up its claim too, so the retry handles it again.
                await using var release = new NpgsqlCommand("delete from messaging.inbox where message_id = $1 and consumer = $2", connection, tx);
                release.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = message.MessageId!.Value });
                release.Parameters.Add(new NpgsqlParameter<string> { TypedValue = InboxName });
                await release.ExecuteNonQueryAsync(ct);
                MessagingMetrics.InboxFault(InboxName);
                failure ??= ex;
            }
        }
        await tx.CommitAsync(ct);
        if (failure is not null)
        {
            throw failure;
        }
    }

    private async Task<HashSet<Guid>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] ids, CancellationToken ct)
    {
        var fresh = new HashSet<Guid>();
        await using var claim = new NpgsqlCommand(
            "insert into messaging.inbox (message_id, consumer) select distinct unnest($1::uuid[]), $2 on conflict do nothing returning message_id",
            connection, tx);
        claim.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = InboxName });
        await using var reader = await claim.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            fresh.Add(reader.GetGuid(0));
        }
        return fresh;
    }

    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}
