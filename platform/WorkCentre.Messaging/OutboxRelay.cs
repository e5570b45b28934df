using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WorkCentre.Messaging;

/// <summary>
/// Messages that are not events of our own streams (commands to other services) are written to
/// <c>messaging.outbox</c> in the caller's transaction and relayed from there, so a crash loses none.
/// </summary>
public static class Outbox
{
    public static async Task EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, object message, string? correlationId, CancellationToken ct)
    {
        // Outbox rows are stored and sent in clear, outside crypto-shredding: an erased subject's data would survive here.
        if (Privacy.PersonalData.FindIn(message.GetType()) is { } personal)
        {
            throw new ArgumentException($"{personal} is personal data; messages between services carry pseudonymous ids only.", nameof(message));
        }
        await using var cmd = new NpgsqlCommand(
            "insert into messaging.outbox (id, message_type, body, correlation_id) values ($1, $2, $3, $4)", connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.CreateVersion7() });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = message.GetType().AssemblyQualifiedName! });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JsonSerializer.Serialize(message, message.GetType(), MessagingJson.Options), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)correlationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Publishes outbox rows oldest first; <c>FOR UPDATE SKIP LOCKED</c> lets several instances relay side by side.</summary>
public sealed class OutboxRelay : BackgroundService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxRelay> _logger;
    private readonly System.Diagnostics.Metrics.Meter _meter = new(Telemetry.SourceName);
    private long _backlog;

    public OutboxRelay(NpgsqlDataSource dataSource, IBus bus, TimeProvider time, ILogger<OutboxRelay> logger)
    {
        (_dataSource, _bus, _time, _logger) = (dataSource, bus, time, logger);
        _meter.CreateObservableGauge("workcentre.outbox.backlog",
            () => new System.Diagnostics.Metrics.Measurement<long>(Backlog, new KeyValuePair<string, object?>("db.namespace", MessagingMetrics.DatabaseName(dataSource))), unit: "{message}", description: "Outbox rows not yet relayed.");
    }

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    /// <summary>Unsent rows seen at the last poll; exported as the <c>workcentre.outbox.backlog</c> gauge.</summary>
    public long Backlog => Volatile.Read(ref _backlog);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RelayBatchAsync(stoppingToken) == 0)
                {
                    await Task.Delay(PollInterval, _time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Outbox relay failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = new List<(Guid Id, string Type, string Body, string? Correlation)>();
        await using (var select = new NpgsqlCommand(
            "select id, message_type, body::text, correlation_id from messaging.outbox where sent_at is null and parked_at is null order by created_at limit 100 for update skip locked",
            connection, tx))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }
        await using (var backlog = new NpgsqlCommand("select count(*) from messaging.outbox where sent_at is null", connection, tx))
        {
            Volatile.Write(ref _backlog, (long)(await backlog.ExecuteScalarAsync(ct))! - rows.Count);
        }
        foreach (var row in rows)
        {
            // One row whose type no longer loads once rolled the batch back every second, forever.
            if (!TryRead(row.Type, row.Body, out var type, out var message, out var reason))
            {
                await using var park = new NpgsqlCommand("update messaging.outbox set parked_at = now(), park_reason = $2 where id = $1", connection, tx);
                park.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = row.Id });
                park.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reason });
                await park.ExecuteNonQueryAsync(ct);
                _logger.LogError("Outbox message {MessageId} parked: {Reason}", row.Id, reason);
                continue;
            }
            await _bus.Publish(message, type, ctx =>
            {
                ctx.MessageId = row.Id;
                if (Guid.TryParse(row.Correlation, out var correlation))
                {
                    ctx.CorrelationId = correlation;
                }
            }, ct);
            await using var mark = new NpgsqlCommand("update messaging.outbox set sent_at = now() where id = $1", connection, tx);
            mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = row.Id });
            await mark.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    /// <summary>The reason names the type and what failed, never the body: it may hold what it should not.</summary>
    private static bool TryRead(string typeName, string body, [NotNullWhen(true)] out Type? type, [NotNullWhen(true)] out object? message,
        [NotNullWhen(false)] out string? reason)
    {
        (message, reason) = (null, null);
        try
        {
            type = Type.GetType(typeName, throwOnError: false);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or ArgumentException or TypeLoadException)
        {
            type = null;
        }
        if (type is null)
        {
            reason = $"message type '{typeName}' does not load";
            return false;
        }
        try
        {
            message = JsonSerializer.Deserialize(body, type, MessagingJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            reason = $"body does not read as {type.FullName} ({ex.GetType().Name}{(ex is JsonException { Path: { } path } ? $" at {path}" : "")})";
            return false;
        }
        reason = message is null ? $"body is null, not a {type.FullName}" : null;
        return message is not null;
    }
}
