using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;

namespace WorkCentre.Messaging;

/// <summary>What to do when a timer of one kind comes due (a handover SLA, a follow-up check).</summary>
public interface ITimerHandler
{
    string Kind { get; }

    /// <summary>Runs in the transaction that marks the timer fired, so a crash fires it again rather than never.</summary>
    Task FireAsync(JsonElement payload, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct);
}

public static class Timers
{
    public static async Task<Guid> ScheduleAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string kind, object payload, DateTimeOffset dueAt, CancellationToken ct)
    {
        // Timer payloads are stored in clear, outside crypto-shredding: an erased subject's data would survive here.
        if (Privacy.PersonalData.FindIn(payload.GetType()) is { } personal)
        {
            throw new ArgumentException($"{personal} is personal data; a timer's payload carries pseudonymous ids only.", nameof(payload));
        }
        var id = Guid.CreateVersion7();
        await using var cmd = new NpgsqlCommand("insert into messaging.timers (id, kind, payload, due_at) values ($1, $2, $3, $4)", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(payload, MessagingJson.Options), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = dueAt.ToUniversalTime() });
        await cmd.ExecuteNonQueryAsync(ct);
        return id;
    }
}

/// <summary>
/// Fires due timers. Due-ness is judged by the injected <see cref="TimeProvider"/>, so tests move time instead of
/// waiting; rows are claimed with <c>FOR UPDATE SKIP LOCKED</c> so instances share the work.
/// </summary>
public sealed class TimerPoller(NpgsqlDataSource dataSource, IEnumerable<ITimerHandler> handlers, TimeProvider time, ILogger<TimerPoller> logger) : BackgroundService
{
    private readonly Dictionary<string, ITimerHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    private readonly ResiliencePipeline _transient = new ResiliencePipelineBuilder()
        .AddRetry(new Polly.Retry.RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(ex => ex.IsTransient),
            MaxRetryAttempts = 5,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
        })
        .Build();

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A minute after the first failure, doubling up to an hour, so a timer that keeps failing costs little.</summary>
    public static TimeSpan BackOff(int failures) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, failures - 1))));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_handlers.Count == 0)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await _transient.ExecuteAsync(FireDueAsync, stoppingToken) == 0)
                {
                    await Task.Delay(PollInterval, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Timer poll failed");
                await Task.Delay(PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Fires every timer due now; returns how many fired.</summary>
    public async ValueTask<int> FireDueAsync(CancellationToken ct)
    {
        var fired = 0;
        while (await FireOneAsync(ct))
        {
            fired++;
        }
        return fired;
    }

    private async Task<bool> FireOneAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Guid id;
        string kind;
        int attempts;
        JsonElement payload;
        await using (var claim = new NpgsqlCommand(
            "select id, kind, payload::text, attempts from messaging.timers where fired_at is null and due_at <= $1 order by due_at limit 1 for update skip locked",
            connection, tx))
        {
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
            await using var reader = await claim.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return false;
            }
            (id, kind, attempts) = (reader.GetGuid(0), reader.GetString(1), reader.GetInt32(3));
            payload = JsonDocument.Parse(reader.GetString(2)).RootElement.Clone();
        }
        try
        {
            await using var savepoint = new NpgsqlCommand("savepoint fire", connection, tx);
            await savepoint.ExecuteNonQueryAsync(ct);
            // A kind with no handler (retired in a later release) once stopped every timer due after it.
            var handler = _handlers.GetValueOrDefault(kind) ?? throw new NoTimerHandlerException(kind);
            await handler.FireAsync(payload, connection, tx, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Whatever a timer throws, even its own timeout or a transient error, is its own problem: the poller
            // takes the earliest due row next, so a timer that is not moved aside would be taken again forever.
            await using (var rollback = new NpgsqlCommand("rollback to savepoint fire", connection, tx))
            {
                await rollback.ExecuteNonQueryAsync(ct);
            }
            await using var retry = new NpgsqlCommand(
                "update messaging.timers set attempts = attempts + 1, last_error = $2, due_at = $3 where id = $1", connection, tx);
            retry.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            retry.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ex.GetType().Name });
            retry.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() + BackOff(attempts + 1) });
            await retry.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogWarning("Timer {TimerId} of kind {Kind} failed ({Error}); retrying in {BackOff}", id, kind, ex.GetType().Name, BackOff(attempts + 1));
            return true;
        }
        await using (var done = new NpgsqlCommand("update messaging.timers set fired_at = now(), attempts = attempts + 1 where id = $1", connection, tx))
        {
            done.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            await done.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }
}

/// <summary>A due timer whose kind no handler of this service knows.</summary>
public sealed class NoTimerHandlerException(string kind) : Exception($"No handler for timers of kind '{kind}'.");
