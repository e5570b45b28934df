using Microsoft.Extensions.Logging;
using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Daemon;
using WorkCentre.EventStore.Projections;
using WorkCentre.Platform.Tests.Infrastructure;
using WorkCentre.Testing;
using static WorkCentre.Platform.Tests.Infrastructure.TestStores;

namespace WorkCentre.Platform.Tests.Events;

public sealed class DaemonTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string Inquiry = "inquiry";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly DaemonOptions Fast = new()
    {
        StaleThreshold = TimeSpan.FromMilliseconds(500),
        LeadershipRetry = TimeSpan.FromMilliseconds(100),
        ErrorBackoffMax = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Given_8_writers_appending_2000_times_each_When_a_projection_runs_meanwhile_Then_it_sees_every_event_once_in_order()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast);
        await daemon.StartAsync(default);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                var id = Guid.CreateVersion7();
                await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
            }
        })));
        await daemon.WaitForCatchUpAsync(Patience);

        Assert.Equal(16_000, await db.ScalarAsync($"select count(*) from {projection.Table}"));
        Assert.Equal(16_000, await db.ScalarAsync($"select count(distinct seq_id) from {projection.Table}"));
        Assert.Equal(0, await db.ScalarAsync(
            $"select count(*) from {store.Options.Schema}.events e where not exists (select 1 from {projection.Table} p where p.seq_id = e.seq_id)"));
        Assert.False(projection.OutOfOrder);
    }

    [Fact]
    public async Task Given_a_transaction_holding_drawn_sequences_past_the_stale_threshold_When_the_daemon_runs_Then_it_waits_and_skips_nothing()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        var log = new CapturingLogger<ProjectionDaemon>();
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast, logger: log);
        await daemon.StartAsync(default);
        var early = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, early, Registered(early)).SaveChangesAsync();
        await daemon.WaitForCatchUpAsync(Patience);

        await using var slowConnection = await db.DataSource.OpenConnectionAsync();
        await using var slow = await slowConnection.BeginTransactionAsync();
        var held = Guid.CreateVersion7();
        await store.OpenSession(slowConnection, slow).StartStream(Inquiry, held, Registered(held)).SaveChangesAsync();
        var later = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, later, Registered(later)).SaveChangesAsync();

        await log.WaitForAsync(m => m.Contains("is still open", StringComparison.Ordinal), Patience, "the daemon should report that it holds for the open transaction");
        Assert.Equal(1, daemon.HighWaterMark);
        await slow.CommitAsync();
        await daemon.WaitForCatchUpAsync(Patience);

        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {store.Options.Schema}.high_water_skips"));
        Assert.Equal(3, await db.ScalarAsync($"select count(*) from {projection.Table}"));
        Assert.False(projection.OutOfOrder);
    }

    [Fact]
    public async Task Given_a_rolled_back_append_When_the_gap_goes_stale_Then_it_is_skipped_and_logged()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        var log = new CapturingLogger<ProjectionDaemon>();
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast, logger: log);
        await daemon.StartAsync(default);

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            var lost = Guid.CreateVersion7();
            await store.OpenSession(connection, tx).StartStream(Inquiry, lost, Registered(lost), new InquiryAnswered(lost, Monday)).SaveChangesAsync();
            await tx.RollbackAsync();
        }
        var kept = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, kept, Registered(kept)).SaveChangesAsync();
        await daemon.WaitForCatchUpAsync(Patience);

        Assert.Equal(2, await db.ScalarAsync($"select missing_count from {store.Options.Schema}.high_water_skips where from_seq_id = 1"));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("skipped 2 missing sequence numbers", StringComparison.Ordinal));
        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {projection.Table}"));
    }

    [Fact]
    public async Task Given_a_poison_event_When_running_live_Then_it_is_dead_lettered_and_the_rest_applied()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store, poison: e => e.Data is InquiryRegistered { Channel: "poison" });
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast);
        await daemon.StartAsync(default);
        var ids = new[] { Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7() };

        await store.OpenSession()
            .StartStream(Inquiry, ids[0], Registered(ids[0]))
            .StartStream(Inquiry, ids[1], Registered(ids[1], "poison"))
            .StartStream(Inquiry, ids[2], Registered(ids[2]))
            .SaveChangesAsync();
        await daemon.WaitForCatchUpAsync(Patience);

        Assert.Equal(2, await db.ScalarAsync($"select count(*) from {projection.Table}"));
        Assert.Equal(2, await db.ScalarAsync(
            $"select d.seq_id from {store.Options.Schema}.dead_letter_events d where d.projection_name = '{projection.Name}'"));
    }

    [Fact]
    public async Task Given_an_event_no_release_can_read_When_running_live_Then_it_is_dead_lettered_and_a_rebuild_fails_on_it()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast);
        await daemon.StartAsync(default);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
        // Written by a newer release under an alias this one does not know.
        await db.ExecuteAsync($$"""
            select {{store.Options.Schema}}.append_to_stream('{{id}}', 'inquiry', '*DEFAULT*', 1, 1, array['{{Guid.CreateVersion7()}}'::uuid],
              array['test.inquiry_escalated.v1'], array['{"inquiryId":"{{id}}"}'::jsonb], array[now()], null, null, null, null)
            """);
        await store.OpenSession().Append(Inquiry, id, 2, new InquiryAnswered(id, Monday)).SaveChangesAsync();

        await daemon.WaitForCatchUpAsync(Patience);

        Assert.Equal(2, await db.ScalarAsync($"select count(*) from {projection.Table}"));
        Assert.Equal(2, await db.ScalarAsync(
            $"select seq_id from {store.Options.Schema}.dead_letter_events where error_type = '{typeof(UnknownEventTypeException).FullName}'"));
        var failure = await Assert.ThrowsAsync<RebuildFailedException>(() => daemon.RebuildAsync(projection.Name));
        Assert.Equal(2, failure.Sequence);
    }

    [Fact]
    public async Task Given_a_poison_event_When_rebuilding_Then_the_rebuild_fails_fast_and_the_shard_pauses()
    {
        var store = await CreateAsync(db);
        var poisoned = false;
        var projection = await RecordingAsync(store, poison: e => poisoned && e.Version == 2);
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast);
        await daemon.StartAsync(default);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id), new InquiryAnswered(id, Monday)).SaveChangesAsync();
        await daemon.WaitForCatchUpAsync(Patience);

        poisoned = true;
        var failure = await Assert.ThrowsAsync<RebuildFailedException>(() => daemon.RebuildAsync(projection.Name));

        Assert.Equal(projection.Name, failure.Shard);
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {store.Options.Schema}.dead_letter_events"));
        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {store.Options.Schema}.event_progression where name = '{projection.Name}' and status = 'paused'"));
        await Eventually.TrueAsync(() => Task.FromResult(daemon.Shards[projection.Name].State == ShardState.Paused), Patience, "the daemon should say the shard is paused");
        var health = daemon.CheckHealth();
        Assert.Equal(DaemonHealthStatus.Unhealthy, health.Status);
        Assert.Contains(projection.Name, health.Description, StringComparison.Ordinal);
        Assert.Contains("paused", health.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_a_rebuild_its_caller_cancels_midway_When_cancelled_Then_the_shard_finishes_the_rebuild_and_follows_new_events()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast with { PageSize = 10 });
        await daemon.StartAsync(default);
        await AppendManyAsync(store, 50);
        await daemon.WaitForCatchUpAsync(Patience);

        using var cancel = new CancellationTokenSource();
        var cancelling = new SynchronousProgress<RebuildProgress>(p =>
        {
            if (p.Position >= 20)
            {
                cancel.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => daemon.RebuildAsync(projection.Name, cancelling, cancel.Token));
        await Eventually.TrueAsync(() => Task.FromResult(daemon.Shards[projection.Name].State == ShardState.Running), Patience,
            "the shard should finish the rebuild and go live");
        await AppendManyAsync(store, 1);
        await daemon.WaitForCatchUpAsync(Patience);

        Assert.Equal(51, await db.ScalarAsync($"select count(*) from {projection.Table}"));
        Assert.Equal(51, await db.ScalarAsync($"select count(distinct seq_id) from {projection.Table}"));
        Assert.Equal(ShardState.Running, daemon.Shards[projection.Name].State);
        Assert.Equal(DaemonHealthStatus.Healthy, daemon.CheckHealth().Status);
    }

    [Fact]
    public async Task Given_a_transient_database_error_during_a_rebuild_When_rebuilding_Then_it_retries_and_completes()
    {
        var store = await CreateAsync(db);
        var projection = new FailingOnceProjection(await RecordingAsync(store));
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast with { PageSize = 10 });
        await daemon.StartAsync(default);
        await AppendManyAsync(store, 30);
        await daemon.WaitForCatchUpAsync(Patience);

        projection.FailNextApply = true;
        await daemon.RebuildAsync(projection.Name);

        Assert.True(projection.Failed, "the rebuild should have met the transient error");
        Assert.Equal(30, await db.ScalarAsync($"select count(*) from {projection.Table}"));
        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {store.Options.Schema}.event_progression where name = '{projection.Name}' and status = 'running'"));
        Assert.Equal(ShardState.Running, daemon.Shards[projection.Name].State);
    }

    [Fact]
    public async Task Given_a_rebuild_on_the_leader_When_it_loses_leadership_Then_the_rebuild_stops_and_the_next_leader_finishes_it()
    {
        var store = await CreateAsync(db);
        var recording = await RecordingAsync(store);
        var gated = new GatedProjection(recording);
        await using var first = new ProjectionDaemon(store, [gated], options: Fast);
        await first.StartAsync(default);
        await Eventually.TrueAsync(() => Task.FromResult(first.IsLeader), Patience, "the first instance should lead");
        await AppendManyAsync(store, 20);
        await first.WaitForCatchUpAsync(Patience);
        await using var second = new ProjectionDaemon(store, [new RecordingProjection(recording.Name, recording.Table)], options: Fast);
        await second.StartAsync(default);

        gated.Armed = true;
        var rebuild = first.RebuildAsync(gated.Name);
        try
        {
            await gated.Entered.WaitAsync(Patience);
            Assert.Equal(1, await TerminateLeaderSessionAsync(store));
            // A rebuild that outlives its leadership runs beside the next leader's agent for the same shard.
            Assert.True(await Task.WhenAny(rebuild, Task.Delay(Patience)) == rebuild, "the rebuild should stop once its instance no longer leads");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rebuild);
        }
        finally
        {
            gated.Open();
        }

        // Either instance may win the lock next; whichever leads finishes the rebuild.
        bool LeadsLive(ProjectionDaemon d) => d.IsLeader && d.Shards[recording.Name].State == ShardState.Running;
        await Eventually.TrueAsync(() => Task.FromResult(LeadsLive(first) || LeadsLive(second)), Patience,
            "the next leader should finish the rebuild and go live");
        await (LeadsLive(first) ? first : second).WaitForCatchUpAsync(Patience);
        Assert.Equal(20, await db.ScalarAsync($"select count(*) from {recording.Table}"));
        Assert.Equal(20, await db.ScalarAsync($"select count(distinct seq_id) from {recording.Table}"));
        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {store.Options.Schema}.event_progression where name = '{recording.Name}' and status = 'running'"));
    }

    [Fact]
    public async Task Given_a_live_read_model_When_rebuilt_Then_it_equals_the_live_one_row_for_row_and_reports_progress()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        await using var daemon = new ProjectionDaemon(store, [projection], options: Fast with { PageSize = 100 });
        await daemon.StartAsync(default);
        for (var i = 0; i < 50; i++)
        {
            var id = Guid.CreateVersion7();
            await store.OpenSession()
                .StartStream(Inquiry, id, Registered(id, i % 2 == 0 ? "phone" : "walk-in"), new InquiryForwarded(id, "UWV", Monday), new InquiryAnswered(id, Monday))
                .SaveChangesAsync();
        }
        await daemon.WaitForCatchUpAsync(Patience);
        var live = await RowsAsync(projection);

        var reports = new List<RebuildProgress>();
        await daemon.RebuildAsync(projection.Name, new SynchronousProgress<RebuildProgress>(reports.Add));
        var rebuilt = await RowsAsync(projection);

        Assert.Equal(150, live.Count);
        Assert.Equal(live, rebuilt);
        Assert.Equal(150, reports[^1].EventsApplied);
        Assert.Equal(reports[^1].Target, reports[^1].Position);
        Assert.True(reports.Count >= 2, "a rebuild of several pages reports each page");

        var after = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, after, Registered(after)).SaveChangesAsync();
        await daemon.WaitForCatchUpAsync(Patience);
        Assert.Equal(151, (await RowsAsync(projection)).Count);
    }

    [Fact]
    public async Task Given_two_daemon_instances_on_one_database_When_events_arrive_Then_each_shard_runs_once_and_the_standby_takes_over()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        var first = new ProjectionDaemon(store, [projection], options: Fast);
        await using var second = new ProjectionDaemon(store, [projection], options: Fast);
        await first.StartAsync(default);
        await second.StartAsync(default);
        await Eventually.TrueAsync(() => Task.FromResult(first.IsLeader || second.IsLeader), Patience, "one instance should lead");

        await AppendManyAsync(store, 200);
        await (first.IsLeader ? first : second).WaitForCatchUpAsync(Patience);
        Assert.False(first.IsLeader && second.IsLeader);

        var (leader, standby) = first.IsLeader ? (first, second) : (second, first);
        await leader.DisposeAsync();
        await AppendManyAsync(store, 200);
        await standby.WaitForCatchUpAsync(Patience);
        if (leader == second)
        {
            await first.DisposeAsync();
        }

        Assert.Equal(400, await db.ScalarAsync($"select count(*) from {projection.Table}"));
        Assert.Equal(400, await db.ScalarAsync($"select count(distinct seq_id) from {projection.Table}"));
    }

    [Fact]
    public async Task Given_a_leader_that_stopped_When_a_daemon_of_another_connection_pool_starts_Then_it_leads_without_waiting_for_the_pool()
    {
        var store = await CreateAsync(db);
        var projection = await RecordingAsync(store);
        await using (var first = new ProjectionDaemon(store, [projection], options: Fast))
        {
            await first.StartAsync(default);
            await Eventually.TrueAsync(() => Task.FromResult(first.IsLeader), Patience, "the first daemon should lead");
            await first.StopAsync(default);
        }
        // Another pool: the first's idle connection would keep a session lock it did not release for minutes.
        await using var otherPool = Npgsql.NpgsqlDataSource.Create(db.ConnectionString);
        var sameStore = await CreateAsync(db, store.Options.Schema, o => new EventStoreOptions { DataSource = otherPool, Schema = o.Schema, Types = o.Types });
        await using var second = new ProjectionDaemon(sameStore, [projection], options: Fast);

        await second.StartAsync(default);

        await Eventually.TrueAsync(() => Task.FromResult(second.IsLeader), TimeSpan.FromSeconds(10), "the next daemon should lead at once");
    }

    [Fact]
    public async Task Given_a_subscription_When_its_handler_fails_once_Then_it_retries_and_sees_every_event_in_order()
    {
        var store = await CreateAsync(db);
        var subscription = new FlakySubscription();
        await using var daemon = new ProjectionDaemon(store, [], [subscription], Fast);
        await daemon.StartAsync(default);

        await AppendManyAsync(store, 30);
        await daemon.WaitForCatchUpAsync(Patience);

        var delivered = subscription.Delivered.Distinct().ToList();
        Assert.Equal(30, delivered.Count);
        Assert.Equal(delivered.Order(), delivered);
        Assert.True(subscription.Failures >= 1);
    }

    [Fact]
    public async Task Given_an_event_this_release_cannot_read_When_a_subscription_meets_it_Then_it_stops_before_it_and_a_release_that_can_read_it_resumes_there()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
        // Appended by a newer release during a rolling deploy, under an alias this release does not know yet.
        var escalation = Guid.CreateVersion7();
        await db.ExecuteAsync($$"""
            select {{store.Options.Schema}}.append_to_stream('{{id}}', 'inquiry', '*DEFAULT*', 1, 1, array['{{escalation}}'::uuid],
              array['test.inquiry_escalated.v2'], array['{"inquiryId":"{{id}}","reason":"payload-text"}'::jsonb], array[now()], null, null, null, null)
            """);
        await store.OpenSession().Append(Inquiry, id, 2, new InquiryAnswered(id, Monday)).SaveChangesAsync();

        var old = new RecordingSubscription("forwarder");
        await using (var daemon = new ProjectionDaemon(store, [], [old], Fast))
        {
            await daemon.StartAsync(default);
            await Eventually.TrueAsync(() => Task.FromResult(daemon.Shards[old.Name].State == ShardState.Blocked), Patience,
                "the subscription should stop at the event it cannot read");

            var blocked = daemon.Shards[old.Name].BlockedAt!;
            Assert.Equal((2L, escalation, "test.inquiry_escalated.v2"), (blocked.Sequence, blocked.EventId, blocked.Alias));
            var health = daemon.CheckHealth();
            var said = health.Description + string.Join(";", health.Data.Select(d => $"{d.Key}={d.Value}"));
            Assert.Equal(DaemonHealthStatus.Unhealthy, health.Status);
            Assert.Contains(escalation.ToString(), health.Description, StringComparison.Ordinal);
            Assert.Contains("test.inquiry_escalated.v2", health.Description, StringComparison.Ordinal);
            Assert.DoesNotContain("payload-text", said, StringComparison.Ordinal);
        }
        Assert.Equal([1L], old.Delivered);
        Assert.Equal(1, await db.ScalarAsync($"select last_seq_id from {store.Options.Schema}.event_progression where name = '{old.Name}'"));
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {store.Options.Schema}.dead_letter_events"));

        // The new release maps the alias; once it leads, it continues from the event the old one stopped at.
        var newer = await CreateAsync(db, store.Options.Schema, o => new EventStoreOptions
        {
            DataSource = o.DataSource,
            Schema = o.Schema,
            Types = Registry().Map<InquiryEscalated>("test.inquiry_escalated.v2"),
        });
        var next = new RecordingSubscription("forwarder");
        await using var upgraded = new ProjectionDaemon(newer, [], [next], Fast);
        await upgraded.StartAsync(default);
        await upgraded.WaitForCatchUpAsync(Patience);

        Assert.Equal([2L, 3L], next.Delivered);
        Assert.Equal(ShardState.Running, upgraded.Shards[next.Name].State);
        Assert.Equal(DaemonHealthStatus.Healthy, upgraded.CheckHealth().Status);
    }

    /// <summary>Ends the leader's session from outside, as a network failure or a killed backend would.</summary>
    private async Task<long> TerminateLeaderSessionAsync(WorkCentre.EventStore.EventStore store) => await db.ScalarAsync($"""
        select count(pg_terminate_backend(pid)) from pg_locks
        where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())
          and objid::bigint = (hashtext('workcentre.daemon.{store.Options.Schema}')::bigint & 4294967295)
        """);

    private static async Task AppendManyAsync(WorkCentre.EventStore.EventStore store, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = Guid.CreateVersion7();
            await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
        }
    }

    private async Task<RecordingProjection> RecordingAsync(WorkCentre.EventStore.EventStore store, Func<EventEnvelope, bool>? poison = null)
    {
        var projection = new RecordingProjection("recording", $"{store.Options.Schema}.recorded", poison);
        await db.ExecuteAsync(projection.CreateTableSql);
        return projection;
    }

    private async Task<List<(long, Guid, long, string)>> RowsAsync(RecordingProjection projection)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand($"select seq_id, stream_id, version, alias from {projection.Table} order by seq_id", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<(long, Guid, long, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetInt64(2), reader.GetString(3)));
        }
        return rows;
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed record InquiryEscalated(Guid InquiryId, string Reason);

    private sealed class RecordingSubscription(string name) : ISubscription
    {
        private readonly List<long> _delivered = [];

        public string Name => name;

        public IReadOnlyList<long> Delivered
        {
            get
            {
                lock (_delivered)
                {
                    return [.. _delivered];
                }
            }
        }

        public Task HandleAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            lock (_delivered)
            {
                _delivered.AddRange(events.Select(e => e.Sequence));
            }
            return Task.CompletedTask;
        }
    }

    /// <summary>Raises a real transient database error (serialization failure) on the next apply, once.</summary>
    private sealed class FailingOnceProjection(RecordingProjection inner) : IProjection
    {
        public string Name => inner.Name;
        public string Table => inner.Table;
        public bool FailNextApply { get; set; }
        public bool Failed { get; private set; }

        public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            if (FailNextApply)
            {
                FailNextApply = false;
                Failed = true;
                await using var cmd = new NpgsqlCommand("do $$ begin raise exception 'could not serialize access' using errcode = '40001'; end $$", connection, transaction);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await inner.ApplyAsync(connection, transaction, events, ct);
        }

        public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => inner.ResetAsync(connection, transaction, ct);
    }

    /// <summary>Once armed, holds the next apply until opened (or until its caller gives up).</summary>
    private sealed class GatedProjection(IProjection inner) : IProjection
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => inner.Name;
        public bool Armed { get; set; }
        public Task Entered => _entered.Task;

        public void Open() => _gate.TrySetResult();

        public async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            if (Armed)
            {
                Armed = false;
                _entered.TrySetResult();
                await _gate.Task.WaitAsync(ct);
            }
            await inner.ApplyAsync(connection, transaction, events, ct);
        }

        public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => inner.ResetAsync(connection, transaction, ct);
    }

    private sealed class FlakySubscription : ISubscription
    {
        public string Name => "flaky";
        public List<long> Delivered { get; } = [];
        public int Failures { get; private set; }

        public Task HandleAsync(IReadOnlyList<EventEnvelope> events, CancellationToken ct)
        {
            if (Failures == 0 && Delivered.Count > 0)
            {
                Failures++;
                throw new InvalidOperationException("broker unavailable");
            }
            Delivered.AddRange(events.Select(e => e.Sequence));
            return Task.CompletedTask;
        }
    }
}
