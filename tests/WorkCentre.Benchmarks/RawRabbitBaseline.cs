using System.Diagnostics;
using System.Globalization;
using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace WorkCentre.Benchmarks;

/// <summary>
/// The fastest honest raw use of RabbitMQ.Client 7 for what our pipeline does per message: a persistent message
/// into a durable queue, confirmed by the broker, consumed and acknowledged. Publishes go out a window at a time
/// with every confirm of the window outstanding; the consumer prefetches and acknowledges many deliveries at once.
/// Publisher and consumer have a connection each, as RabbitMQ advises, so flow control on one never stalls the other.
/// </summary>
internal static class RawRabbitBaseline
{
    private const string Queue = "raw-bench";

    /// <param name="Window">Publishes started together; their confirms are awaited together before the next window starts.</param>
    /// <param name="Prefetch">Unacknowledged deliveries the broker may have in flight to the consumer.</param>
    /// <param name="AckEvery">Every this many deliveries one <c>basic.ack</c> with <c>multiple: true</c> settles them all.</param>
    public sealed record Settings(int Count, int BodyBytes, int Rounds, int Window = 5_000, ushort Prefetch = 2_000, int AckEvery = 200)
    {
        /// <summary>The channel's cap on unconfirmed publishes; above the window so it never throttles a window.</summary>
        public int MaxOutstandingConfirms => 2 * Window;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"raw RabbitMQ.Client: {Count:N0} persistent {BodyBytes}-byte messages to a durable queue, median of {Rounds} rounds after a warm-up round of the same size; " +
            $"publisher confirms awaited per window of {Window:N0} (outstanding cap {MaxOutstandingConfirms:N0}), " +
            $"consumer prefetch {Prefetch:N0}, one multiple ack per {AckEvery} deliveries, a connection each");
    }

    /// <summary>Messages per second from the first publish to the last delivery, the median of the rounds.</summary>
    public static async Task<double> MeasureAsync(Uri uri, Settings settings)
    {
        var factory = new ConnectionFactory { Uri = uri, ClientProvidedName = "raw-bench" };
        await using var publishing = await factory.CreateConnectionAsync();
        await using var consuming = await factory.CreateConnectionAsync();
        await using var publisher = await publishing.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(settings.MaxOutstandingConfirms)));
        await using var consumerChannel = await consuming.CreateChannelAsync();
        await consumerChannel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
        await consumerChannel.QueuePurgeAsync(Queue);
        await consumerChannel.BasicQosAsync(0, settings.Prefetch, global: false);

        var consumer = new Consumer(consumerChannel, settings);
        await consumerChannel.BasicConsumeAsync(Queue, autoAck: false, consumer);
        var body = Body(settings.BodyBytes);

        // A whole round first: the client's code reaches its optimised tier and the broker's queue files exist.
        await consumer.RunAsync(publisher, body, settings.Count);
        var rates = new List<double>();
        for (var round = 1; round <= settings.Rounds; round++)
        {
            var (rate, confirmed) = await consumer.RunAsync(publisher, body, settings.Count);
            Console.WriteLine($"  raw round {round}: {rate:N0} messages/s (all confirmed at {settings.Count / confirmed.TotalSeconds:N0}/s)");
            rates.Add(rate);
        }
        return rates.Order().ElementAt(rates.Count / 2);
    }

    /// <summary>A JSON body of exactly <paramref name="bytes"/> bytes, shaped like the pipeline's message.</summary>
    private static byte[] Body(int bytes)
    {
        const string head = "{\"pingId\":\"00000000-0000-0000-0000-000000000000\",\"occurredAt\":\"2026-11-22T09:00:00+00:00\",\"pad\":\"";
        const string tail = "\"}";
        return Encoding.UTF8.GetBytes(head + new string('x', Math.Max(0, bytes - head.Length - tail.Length)) + tail);
    }

    private sealed class Consumer(IChannel channel, Settings settings) : AsyncDefaultBasicConsumer(channel)
    {
        private int _expected;
        private int _received;
        private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<(double Rate, TimeSpan Confirmed)> RunAsync(IChannel publisher, byte[] body, int count)
        {
            _received = 0;
            _expected = count;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            var window = new Task[settings.Window];
            for (var start = 0; start < count; start += settings.Window)
            {
                var size = Math.Min(settings.Window, count - start);
                for (var i = 0; i < size; i++)
                {
                    var properties = new BasicProperties
                    {
                        Persistent = true,
                        ContentType = "application/json",
                        MessageId = Guid.CreateVersion7().ToString(),
                    };
                    window[i] = publisher.BasicPublishAsync("", Queue, mandatory: true, properties, body).AsTask();
                }
                await Task.WhenAll(window.AsSpan(0, size));
            }
            var confirmed = clock.Elapsed;
            await _done.Task.WaitAsync(TimeSpan.FromMinutes(2));
            return (count / clock.Elapsed.TotalSeconds, confirmed);
        }

        // Deliveries of one consumer are dispatched one at a time, so the counter needs no lock.
        public override async Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange,
            string routingKey, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        {
            _received++;
            if (_received % settings.AckEvery == 0 || _received == _expected)
            {
                await Channel.BasicAckAsync(deliveryTag, multiple: true, cancellationToken);
            }
            if (_received == _expected)
            {
                _done.TrySetResult();
            }
        }
    }
}
