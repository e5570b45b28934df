using MassTransit;

namespace WorkCentre.Messaging;

/// <summary>
/// Every consumer's endpoint settings, explicit rather than MassTransit's CPU-based defaults so behaviour is the
/// same on every machine: retries at 0.1/0.5/1/2 s (domain rule violations never), then the <c>_error</c> queue.
/// </summary>
public static class ConsumerConventions
{
    public const int PrefetchCount = 32;
    public const int ConcurrentMessages = 8;
    public const int BatchSize = 100;
    public const int BatchesAtOnce = 2;

    public static Type DefinitionFor(Type consumer)
    {
        var batchOf = consumer.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>))
            .Select(i => i.GetGenericArguments()[0])
            .FirstOrDefault(m => m.IsGenericType && m.GetGenericTypeDefinition() == typeof(Batch<>))
            ?.GetGenericArguments()[0];
        return batchOf is null
            ? typeof(SingleMessages<>).MakeGenericType(consumer)
            : typeof(Batches<,>).MakeGenericType(consumer, batchOf);
    }

    internal static void Retry(IReceiveEndpointConfigurator endpoint) =>
        endpoint.UseMessageRetry(retry =>
        {
            retry.Intervals(100, 500, 1_000, 2_000);
            retry.Ignore<DomainRuleViolationException>();
        });

    internal sealed class SingleMessages<TConsumer> : ConsumerDefinition<TConsumer>
        where TConsumer : class, IConsumer
    {
        protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TConsumer> consumer, IRegistrationContext context)
        {
            endpoint.PrefetchCount = PrefetchCount;
            endpoint.ConcurrentMessageLimit = ConcurrentMessages;
            Retry(endpoint);
        }
    }

    internal sealed class Batches<TConsumer, TMessage> : ConsumerDefinition<TConsumer>
        where TConsumer : class, IConsumer<Batch<TMessage>>
        where TMessage : class
    {
        protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<TConsumer> consumer, IRegistrationContext context)
        {
            // A batch can only fill from messages already delivered, so prefetch covers every batch in flight.
            endpoint.PrefetchCount = BatchSize * BatchesAtOnce;
            endpoint.ConcurrentMessageLimit = BatchSize * BatchesAtOnce;
            consumer.Options<BatchOptions>(batch => batch.SetMessageLimit(BatchSize).SetTimeLimit(TimeSpan.FromMilliseconds(5)).SetConcurrencyLimit(BatchesAtOnce));
            Retry(endpoint);
        }
    }
}
