using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Messaging;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

public sealed class TimerTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    // 10:00 in the Netherlands, held as UTC the way TimeProvider.System reports it.
    private static readonly DateTimeOffset HandoverRequested = new DateTimeOffset(2026, 11, 16, 10, 0, 0, TimeSpan.FromHours(1)).ToUniversalTime();

    [Fact]
    public async Task Given_a_handover_sla_timer_When_time_reaches_its_due_moment_Then_it_fires_once_in_its_own_transaction()
    {
        await SchemaAsync();
        var time = new FakeTimeProvider(HandoverRequested);
        var handler = new RecordingHandler("handover-sla");
        var poller = new TimerPoller(db.DataSource, [handler], time, NullLogger<TimerPoller>.Instance);
        var handover = Guid.CreateVersion7();
        await ScheduleAsync("handover-sla", new { handoverId = handover }, HandoverRequested.AddDays(7));

        Assert.Equal(0, await poller.FireDueAsync(default));
        time.SetUtcNow(HandoverRequested.AddDays(7));
        Assert.Equal(1, await poller.FireDueAsync(default));
        Assert.Equal(0, await poller.FireDueAsync(default));

        Assert.Equal(1, await db.ScalarAsync($"select count(*) from timer_effects where subject = '{handover}'"));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.timers where fired_at is not null"));
    }

    [Fact]
    public async Task Given_a_failing_timer_before_a_good_one_When_both_are_due_Then_the_good_one_fires_and_the_failing_one_backs_off()
    {
        await SchemaAsync();
        var time = new FakeTimeProvider(HandoverRequested.AddDays(30));
        var poller = new TimerPoller(db.DataSource, [new RecordingHandler("follow-up"), new FailingHandler("broken")], time, NullLogger<TimerPoller>.Instance);
        var placement = Guid.CreateVersion7();
        await ScheduleAsync("broken", new { placementId = Guid.CreateVersion7() }, HandoverRequested.AddDays(1));
        await ScheduleAsync("follow-up", new { placementId = placement }, HandoverRequested.AddDays(2));

        await poller.FireDueAsync(default);

        Assert.Equal(1, await db.ScalarAsync($"select count(*) from timer_effects where subject = '{placement}'"));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.timers where kind = 'broken' and fired_at is null and attempts = 1 and last_error is not null"));
        Assert.Equal(0, await db.ScalarAsync("select count(*) from timer_effects where subject is null"));
    }

    [Theory]
    [InlineData("retired-kind")]
    [InlineData("own-timeout")]
    [InlineData("transient-database-error")]
    public async Task Given_a_timer_that_cannot_fire_before_a_good_one_When_both_are_due_Then_the_good_one_fires_on_time_and_only_the_bad_one_backs_off(string failure)
    {
        await SchemaAsync();
        var time = new FakeTimeProvider(HandoverRequested.AddDays(30));
        // "retired-kind" has no handler at all: a kind whose handler was removed in a later release.
        var poller = new TimerPoller(db.DataSource, [new RecordingHandler("follow-up"), new CancellingHandler("own-timeout"), new TransientFailureHandler("transient-database-error")],
            time, NullLogger<TimerPoller>.Instance);
        var placement = Guid.CreateVersion7();
        await ScheduleAsync(failure, new { placementId = Guid.CreateVersion7() }, HandoverRequested.AddDays(1));
        await ScheduleAsync("follow-up", new { placementId = placement }, HandoverRequested.AddDays(2));

        Assert.Equal(2, await poller.FireDueAsync(default));

        Assert.Equal(1, await db.ScalarAsync($"select count(*) from timer_effects where subject = '{placement}'"));
        Assert.Equal(1, await db.ScalarAsync(
            $"select count(*) from messaging.timers where kind = '{failure}' and fired_at is null and attempts = 1 and last_error is not null and due_at > '{time.GetUtcNow():O}'"));
        Assert.Equal(0, await poller.FireDueAsync(default));
    }

    [Fact]
    public async Task Given_a_timer_that_keeps_failing_When_it_is_retried_Then_each_retry_waits_longer()
    {
        await SchemaAsync();
        var time = new FakeTimeProvider(HandoverRequested);
        var poller = new TimerPoller(db.DataSource, [new FailingHandler("broken")], time, NullLogger<TimerPoller>.Instance);
        await ScheduleAsync("broken", new { placementId = Guid.CreateVersion7() }, HandoverRequested);

        var waits = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal(1, await poller.FireDueAsync(default));
            var due = await DueAtAsync("broken");
            waits.Add(due - time.GetUtcNow());
            time.SetUtcNow(due);
        }

        Assert.True(waits[0] < waits[1] && waits[1] < waits[2], $"back-off should grow: {string.Join(", ", waits)}");
    }

    private async Task<DateTimeOffset> DueAtAsync(string kind)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("select due_at from messaging.timers where kind = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetFieldValue<DateTimeOffset>(0);
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

    /// <summary>Gives up on a call of its own that took too long: a cancellation that is not the host shutting down.</summary>
    private sealed class CancellingHandler(string kind) : ITimerHandler
    {
        public string Kind => kind;

        public Task FireAsync(JsonElement payload, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
            throw new TaskCanceledException("the employer register did not answer in time");
    }

    /// <summary>Hits a real transient database error (serialization failure) every time.</summary>
    private sealed class TransientFailureHandler(string kind) : ITimerHandler
    {
        public string Kind => kind;

        public async Task FireAsync(JsonElement payload, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand("do $$ begin raise exception 'conflict' using errcode = '40001'; end $$", connection, transaction);
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

    [Fact]
    public async Task Given_outbox_rows_that_cannot_be_read_When_the_relay_runs_Then_they_are_parked_with_a_reason_and_the_rows_after_them_flow()
    {
        var before = await InsightsInquiriesAsync();
        // A type removed in a later release, and a body its type no longer reads; both hold a name that must not leak.
        var retiredType = await InsertRawAsync("WorkCentre.Contracts.Intake.InquiryWithdrawn, WorkCentre.Contracts", """{"inquiryId":"x","note":"Jan Jansen"}""");
        var unreadableBody = await InsertRawAsync(typeof(InquiryRegistered).AssemblyQualifiedName!, """{"inquiryId":"Jan Jansen","channel":"Phone"}""");
        await EnqueueAsync(commit: true, InquiryChannel.Outreach);

        // Polls the read model's table: the summary endpoint is rate-limited.
        await Eventually.TrueAsync(async () => await InsightsInquiriesAsync() == before + 1, TimeSpan.FromSeconds(60),
            "the readable row behind the unreadable ones should reach insights");
        await using var connection = await services.Intake.DataSource.OpenConnectionAsync();
        await using (var parked = new NpgsqlCommand(
            "select park_reason from messaging.outbox where id = any($1) and sent_at is null and parked_at is not null", connection))
        {
            parked.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [retiredType, unreadableBody] });
            var reasons = new List<string>();
            await using (var reader = await parked.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    reasons.Add(reader.GetString(0));
                }
            }
            Assert.Equal(2, reasons.Count);
            Assert.All(reasons, reason => Assert.DoesNotContain("Jan", reason));
        }
        await using var cleanUp = new NpgsqlCommand("delete from messaging.outbox where id = any($1)", connection);
        cleanUp.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [retiredType, unreadableBody] });
        await cleanUp.ExecuteNonQueryAsync();
    }

    private Task<long> InsightsInquiriesAsync() => services.Insights.ScalarAsync("select coalesce(sum(inquiries), 0) from insights.inquiry_summary");

    private async Task<Guid> InsertRawAsync(string messageType, string body)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await services.Intake.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("insert into messaging.outbox (id, message_type, body) values ($1, $2, $3::jsonb)", connection);
        cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = messageType });
        cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = body });
        await cmd.ExecuteNonQueryAsync();
        return id;
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

public sealed class MessagingHousekeepingTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Today = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Given_inbox_outbox_and_timer_rows_of_all_ages_When_pruning_Then_only_finished_rows_past_retention_go()
    {
        await MessagingSchema.ApplyAsync(db.DataSource, default);
        await db.ExecuteAsync("truncate messaging.inbox, messaging.outbox, messaging.timers");
        var old = Today.AddDays(-8).ToString("O");
        var recent = Today.AddDays(-1).ToString("O");
        await db.ExecuteAsync($$"""
            insert into messaging.inbox (message_id, consumer, received_at) values
                (gen_random_uuid(), 'old', '{{old}}'), (gen_random_uuid(), 'recent', '{{recent}}');
            insert into messaging.outbox (id, message_type, body, created_at, sent_at, parked_at) values
                (gen_random_uuid(), 'sent-long-ago', '{}', '{{old}}', '{{old}}', null),
                (gen_random_uuid(), 'sent-yesterday', '{}', '{{recent}}', '{{recent}}', null),
                (gen_random_uuid(), 'never-sent', '{}', '{{old}}', null, null),
                (gen_random_uuid(), 'parked', '{}', '{{old}}', null, '{{old}}');
            insert into messaging.timers (id, kind, payload, due_at, fired_at) values
                (gen_random_uuid(), 'fired-long-ago', '{}', '{{old}}', '{{old}}'),
                (gen_random_uuid(), 'overdue', '{}', '{{old}}', null);
            """);
        var housekeeping = new MessagingHousekeeping(db.DataSource, new FakeTimeProvider(Today), NullLogger<MessagingHousekeeping>.Instance);

        Assert.Equal(3, await housekeeping.PruneAsync(default));

        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.inbox where consumer = 'recent'"));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.inbox"));
        Assert.Equal(3, await db.ScalarAsync("select count(*) from messaging.outbox where message_type in ('sent-yesterday', 'never-sent', 'parked')"));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.timers where kind = 'overdue'"));
        Assert.Equal(1, await db.ScalarAsync("select count(*) from messaging.timers"));
    }

    private sealed record FollowUpReminder(Guid PlacementId, [property: Privacy.PersonalData] string ParticipantName);

    private sealed record Referral(Guid ReferralId, IReadOnlyList<FollowUpReminder> Reminders);

    [Fact]
    public async Task Given_a_payload_holding_personal_data_When_scheduling_a_timer_or_enqueueing_it_Then_it_is_refused_and_nothing_is_written()
    {
        await MessagingSchema.ApplyAsync(db.DataSource, default);
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var reminder = new FollowUpReminder(Guid.CreateVersion7(), "Jan Jansen");

        var timer = await Assert.ThrowsAsync<ArgumentException>(() => Timers.ScheduleAsync(connection, tx, "follow-up", reminder, Today, default));
        var message = await Assert.ThrowsAsync<ArgumentException>(() =>
            Outbox.EnqueueAsync(connection, tx, new Referral(Guid.CreateVersion7(), [reminder]), correlationId: null, default));

        Assert.Contains("FollowUpReminder.ParticipantName", timer.Message, StringComparison.Ordinal);
        Assert.Contains("Referral.Reminders[].ParticipantName", message.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Jan", timer.Message + message.Message, StringComparison.Ordinal);
    }
}
