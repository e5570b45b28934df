using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Messaging;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

public sealed class TimerTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset HandoverRequested = new(2026, 11, 16, 10, 0, 0, TimeSpan.FromHours(1));

    [Fact]
    public async Task Given_a_handover_sla_timer_When_time_reaches_its_due_moment_Then_it_fires_once_in_its_own_transaction()
    {
        await SchemaAsync();
        var time = new ManualTime(HandoverRequested);
        var handler = new RecordingHandler("handover-sla");
        var poller = new TimerPoller(db.DataSource, [handler], time, NullLogger<TimerPoller>.Instance);
        var handover = Guid.CreateVersion7();
        await ScheduleAsync("handover-sla", new { handoverId = handover }, HandoverRequested.AddDays(7));

        Assert.Equal(0, await poller.FireDueAsync(default));
        time.Now = HandoverRequested.AddDays(7);
        Assert.Equal(1, await poller.FireDueAsync(default));
        Assert.Equal(0, await poller.FireDueAsync(default));

        Assert.Equal(1, await db.ScalarAsync($"select count(*) from timer_effects where subject = '{handover}'"));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.timers where fired_at is not null"));
    }

    [Fact]
    public async Task Given_a_failing_timer_before_a_good_one_When_both_are_due_Then_the_good_one_fires_and_the_failing_one_backs_off()
    {
        await SchemaAsync();
        var time = new ManualTime(HandoverRequested.AddDays(30));
        var poller = new TimerPoller(db.DataSource, [new RecordingHandler("follow-up"), new FailingHandler("broken")], time, NullLogger<TimerPoller>.Instance);
        var placement = Guid.CreateVersion7();
        await ScheduleAsync("broken", new { placementId = Guid.CreateVersion7() }, HandoverRequested.AddDays(1));
        await ScheduleAsync("follow-up", new { placementId = placement }, HandoverRequested.AddDays(2));

        await poller.FireDueAsync(default);

        Assert.Equal(1, await db.ScalarAsync($"select count(*) from timer_effects where subject = '{placement}'"));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.timers where kind = 'broken' and fired_at is null and attempts = 1 and last_error is not null"));
        Assert.Equal(0, await db.ScalarAsync("select count(*) from timer_effects where subject is null"));
    }

    private async Task SchemaAsync()
    {
        await MessagingSchema.ApplyAsync(db.DataSource, default);
        await db.ExecuteAsync("create table if not exists timer_effects (subject text); truncate timer_effects; truncate messaging.timers");
    }

    private async Task ScheduleAsync(string kind, object payload, DateTimeOffset due)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Timers.ScheduleAsync(connection, tx, kind, payload, due, default);
        await tx.CommitAsync();
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
    }

    private sealed class RecordingHandler(string kind) : ITimerHandler
    {
        public string Kind => kind;

        public async Task FireAsync(JsonElement payload, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            var subject = payload.EnumerateObject().First().Value.GetString();
            await using var cmd = new NpgsqlCommand("insert into timer_effects (subject) values ($1)", connection, transaction);
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subject! });
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private sealed class FailingHandler(string kind) : ITimerHandler
    {
        public string Kind => kind;

        public async Task FireAsync(JsonElement payload, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            // Half-written work must roll back with the failure.
            await using var cmd = new NpgsqlCommand("insert into timer_effects (subject) values (null)", connection, transaction);
            await cmd.ExecuteNonQueryAsync(ct);
            throw new InvalidOperationException("follow-up check target is gone");
        }
    }
}

public sealed class OutboxTests(IntakeAndInsights services) : IClassFixture<IntakeAndInsights>
{
    [Fact]
    public async Task Given_a_message_enqueued_in_a_committed_transaction_When_the_relay_runs_Then_it_is_published_and_a_rolled_back_one_is_not()
    {
        var before = await services.SummaryAsync();
        await EnqueueAsync(commit: false, InquiryChannel.Online);
        await EnqueueAsync(commit: true, InquiryChannel.Phone);

        await Eventually.TrueAsync(async () => (await services.SummaryAsync()).Total == before.Total + 1, TimeSpan.FromSeconds(60),
            "the committed outbox message should reach insights");
        await using var connection = await services.Intake.DataSource.OpenConnectionAsync();
        await using var unsent = new NpgsqlCommand("select count(*) from messaging.outbox where sent_at is null", connection);
        Assert.Equal(0L, await unsent.ExecuteScalarAsync());
        Assert.DoesNotContain((await services.SummaryAsync()).Cells, c => c.Channel == InquiryChannel.Online);
    }

    private async Task EnqueueAsync(bool commit, InquiryChannel channel)
    {
        await using var connection = await services.Intake.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var message = new InquiryRegistered(Guid.CreateVersion7(), DateTimeOffset.UtcNow, channel, RequesterType.Professional, QuestionDomain.Learning, "Gooise Meren", "Leerwerkloket");
        await Outbox.EnqueueAsync(connection, tx, message, correlationId: null, default);
        if (commit)
        {
            await tx.CommitAsync();
        }
    }
}
