using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WorkCentre.Messaging;

/// <summary>
/// Prunes what the inbox, outbox and timers no longer need: inbox entries (duplicates arrive within minutes of
/// the original, not weeks), relayed outbox rows and fired timers, once older than <see cref="Retention"/>.
/// Parked outbox rows and timers still due stay: someone has to look at them, or they have work left.
/// </summary>
public sealed class MessagingHousekeeping(NpgsqlDataSource dataSource, TimeProvider time, ILogger<MessagingHousekeeping> logger) : BackgroundService
{
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(7);

    public TimeSpan Retention { get; init; } = DefaultRetention;

    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                logger.LogWarning(ex, "Pruning the inbox, outbox and timers failed; trying again in {Interval}", Interval);
            }
            await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One pass; returns how many rows went. Each table in its own statement, so a large backlog holds no long lock.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var before = time.GetUtcNow() - Retention;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("delete from messaging.inbox where received_at < $1") { Parameters = { new() { Value = before } } },
                new("delete from messaging.outbox where sent_at < $1") { Parameters = { new() { Value = before } } },
                new("delete from messaging.timers where fired_at < $1") { Parameters = { new() { Value = before } } },
            },
        };
        var pruned = await batch.ExecuteNonQueryAsync(ct);
        if (pruned > 0)
        {
            logger.LogInformation("Pruned {Rows} inbox, outbox and timer rows older than {Retention}", pruned, Retention);
        }
        return pruned;
    }
}
