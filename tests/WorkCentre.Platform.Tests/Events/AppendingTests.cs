using System.Text.Json.Nodes;
using Npgsql;
using WorkCentre.EventStore;
using WorkCentre.EventStore.Projections;
using WorkCentre.Platform.Tests.Infrastructure;
using WorkCentre.Testing;
using static WorkCentre.Platform.Tests.Infrastructure.TestStores;

namespace WorkCentre.Platform.Tests.Events;

public sealed class AppendingTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private const string Inquiry = "inquiry";

    [Fact]
    public async Task Given_a_new_stream_When_started_Then_it_reads_back_in_order_with_versions_and_metadata()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        var metadata = new EventMetadata { CorrelationId = "journey-1", CausationId = "cmd-1", Actor = "advisor-7f3a", Headers = new Dictionary<string, string> { ["traceparent"] = "00-abc-def-01" } };

        await using (var session = store.OpenSession(metadata))
        {
            session.StartStream(Inquiry, id, Registered(id), new InquiryAnswered(id, Monday.AddMinutes(5)));
            var results = await session.SaveChangesAsync();
            Assert.Equal(2, results.Single().Version);
        }

        var events = await store.ReadStreamAsync(id);
        Assert.Equal([1L, 2L], events.Select(e => e.Version));
        Assert.Equal(Registered(id), events[0].Data);
        Assert.Equal("test.inquiry_answered.v1", events[1].Alias);
        Assert.True(events[0].Sequence < events[1].Sequence);
        Assert.Equal(Monday, events[0].OccurredAt);
        Assert.All(events, e => Assert.Equal(("journey-1", "cmd-1", "advisor-7f3a"), (e.CorrelationId, e.CausationId, e.Actor)));
        Assert.Equal("00-abc-def-01", events[0].Headers!["traceparent"]);
        Assert.Equal(7, events[0].Id.Version);
    }

    [Fact]
    public async Task Given_an_existing_stream_When_started_again_Then_conflict_and_nothing_written()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();

        var conflict = await Assert.ThrowsAsync<StreamVersionConflict>(() => store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync());

        Assert.Equal((id, AppendMode.Start), (conflict.StreamId, conflict.Mode));
        Assert.Single(await store.ReadStreamAsync(id));
    }

    [Fact]
    public async Task Given_a_stream_at_version_2_When_appending_expecting_1_Then_conflict_from_the_callers_inputs()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id), new InquiryAnswered(id, Monday)).SaveChangesAsync();

        var conflict = await Assert.ThrowsAsync<StreamVersionConflict>(() =>
            store.OpenSession().Append(Inquiry, id, 1, new InquiryForwarded(id, "UWV", Monday)).SaveChangesAsync());

        Assert.Equal((id, Inquiry, AppendMode.ExpectedVersion, 1L), (conflict.StreamId, conflict.StreamType, conflict.Mode, conflict.ExpectedVersion));
        Assert.Equal(2, (await store.ReadStreamAsync(id)).Count);
    }

    [Fact]
    public async Task Given_a_missing_stream_When_appending_expecting_version_3_Then_conflict()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();

        await Assert.ThrowsAsync<StreamVersionConflict>(() => store.OpenSession().Append(Inquiry, id, 3, Registered(id)).SaveChangesAsync());

        Assert.Empty(await store.ReadStreamAsync(id));
    }

    [Fact]
    public async Task Given_any_version_mode_When_appending_to_new_and_existing_streams_Then_both_succeed()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();

        await store.OpenSession().AppendAny(Inquiry, id, Registered(id)).SaveChangesAsync();
        var second = await store.OpenSession().AppendAny(Inquiry, id, new InquiryAnswered(id, Monday)).SaveChangesAsync();

        Assert.Equal(2, second.Single().Version);
    }

    [Fact]
    public async Task Given_two_writers_racing_on_one_stream_When_both_append_Then_exactly_one_wins_and_no_sequence_gap()
    {
        var schema = TestDatabase.UniqueSchema();
        var store = await CreateAsync(db, schema);
        for (var round = 0; round < 25; round++)
        {
            var id = Guid.CreateVersion7();
            await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
            var fetched = await store.FetchForWritingAsync(id, 0, (count, _) => count + 1);
            using var start = new Barrier(2);

            var attempts = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
            {
                start.SignalAndWait();
                try
                {
                    await store.OpenSession().Append(Inquiry, id, fetched.Version, new InquiryForwarded(id, $"partner-{w}", Monday)).SaveChangesAsync();
                    return true;
                }
                catch (StreamVersionConflict)
                {
                    return false;
                }
            })).ToArray();
            var outcomes = await Task.WhenAll(attempts);

            Assert.Single(outcomes, won => won);
            Assert.Equal(2, (await store.ReadStreamAsync(id)).Count);
        }

        var (count, max, drawn) = (await db.ScalarAsync($"select count(*) from {schema}.events"),
            await db.ScalarAsync($"select max(seq_id) from {schema}.events"),
            await db.ScalarAsync($"select last_value from {schema}.event_seq"));
        Assert.Equal(50, count);
        Assert.Equal(count, max);
        Assert.Equal(max, drawn);
    }

    [Fact]
    public async Task Given_two_streams_in_one_session_When_one_conflicts_Then_neither_is_written()
    {
        var store = await CreateAsync(db);
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await store.OpenSession().StartStream(Inquiry, second, Registered(second)).SaveChangesAsync();

        var session = store.OpenSession().StartStream(Inquiry, first, Registered(first)).StartStream(Inquiry, second, Registered(second));
        var conflict = await Assert.ThrowsAsync<StreamVersionConflict>(() => session.SaveChangesAsync());

        Assert.Equal(second, conflict.StreamId);
        Assert.Empty(await store.ReadStreamAsync(first));
    }

    [Fact]
    public async Task Given_two_appends_to_one_stream_in_a_session_When_the_second_expects_a_version_the_first_does_not_lead_to_Then_conflict_and_nothing_written()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();

        var sameExpectation = store.OpenSession()
            .Append(Inquiry, id, 1, new InquiryAnswered(id, Monday))
            .Append(Inquiry, id, 1, new InquiryForwarded(id, "UWV", Monday));
        var conflict = await Assert.ThrowsAsync<StreamVersionConflict>(() => sameExpectation.SaveChangesAsync());
        Assert.Equal((id, AppendMode.ExpectedVersion, 1L), (conflict.StreamId, conflict.Mode, conflict.ExpectedVersion));

        var afterAny = store.OpenSession()
            .AppendAny(Inquiry, id, new InquiryAnswered(id, Monday))
            .Append(Inquiry, id, 5, new InquiryForwarded(id, "UWV", Monday));
        conflict = await Assert.ThrowsAsync<StreamVersionConflict>(() => afterAny.SaveChangesAsync());
        Assert.Equal((id, AppendMode.ExpectedVersion, 5L), (conflict.StreamId, conflict.Mode, conflict.ExpectedVersion));

        var fresh = Guid.CreateVersion7();
        var startedTwice = store.OpenSession()
            .StartStream(Inquiry, fresh, Registered(fresh))
            .StartStream(Inquiry, fresh, Registered(fresh));
        conflict = await Assert.ThrowsAsync<StreamVersionConflict>(() => startedTwice.SaveChangesAsync());
        Assert.Equal((fresh, AppendMode.Start), (conflict.StreamId, conflict.Mode));

        Assert.Single(await store.ReadStreamAsync(id));
        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {store.Options.Schema}.events"));
    }

    [Fact]
    public async Task Given_two_appends_to_one_stream_in_a_session_When_each_expects_the_version_before_it_Then_both_are_appended_in_order()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();

        var results = await store.OpenSession()
            .StartStream(Inquiry, id, Registered(id))
            .Append(Inquiry, id, 1, new InquiryAnswered(id, Monday))
            .AppendAny(Inquiry, id, new InquiryForwarded(id, "UWV", Monday))
            .Append(Inquiry, id, 3, new InquiryForwarded(id, "WSP", Monday))
            .SaveChangesAsync();

        Assert.Equal(4, results.Single().Version);
        Assert.Equal([1L, 2L, 3L, 4L], (await store.ReadStreamAsync(id)).Select(e => e.Version));
    }

    [Fact]
    public async Task Given_two_streams_in_one_session_When_saved_Then_both_commit_together()
    {
        var store = await CreateAsync(db);
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        var results = await store.OpenSession()
            .StartStream(Inquiry, first, Registered(first))
            .StartStream(Inquiry, second, Registered(second), new InquiryAnswered(second, Monday))
            .SaveChangesAsync();

        Assert.Equal([1L, 2L], results.Select(r => r.Version));
        Assert.Equal(3, results.SelectMany(r => r.Events).Select(e => e.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task Given_a_caller_transaction_When_it_rolls_back_Then_the_enlisted_append_is_gone()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await store.OpenSession(connection, tx).StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
            await tx.RollbackAsync();
        }

        Assert.Empty(await store.ReadStreamAsync(id));
    }

    [Fact]
    public async Task Given_events_recorded_over_time_When_read_up_to_a_point_Then_later_ones_are_left_out()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
        var between = await DatabaseNowAsync();
        await store.OpenSession().Append(Inquiry, id, 1, new InquiryAnswered(id, Monday)).SaveChangesAsync();

        var asOf = await store.AggregateStreamAsync(id, 0, (count, _) => count + 1, between);
        var all = await store.AggregateStreamAsync(id, 0, (count, _) => count + 1);
        var fromVersion2 = await store.ReadStreamAsync(id, fromVersion: 2);

        Assert.Equal((1, 2), (asOf, all));
        Assert.IsType<InquiryAnswered>(Assert.Single(fromVersion2).Data);
    }

    [Fact]
    public async Task Given_a_stream_When_fetched_for_writing_Then_state_and_version_come_back_together()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id), new InquiryForwarded(id, "WSP", Monday)).SaveChangesAsync();

        var fetched = await store.FetchForWritingAsync(id, "none", (_, e) => e.GetType().Name);
        var missing = await store.FetchForWritingAsync(Guid.CreateVersion7(), "none", (_, e) => e.GetType().Name);

        Assert.Equal(new StreamState<string>(nameof(InquiryForwarded), 2), fetched);
        Assert.Equal(new StreamState<string>("none", 0), missing);
    }

    [Fact]
    public async Task Given_an_inline_projection_When_appending_Then_it_sees_real_versions_and_sequences_in_the_same_transaction()
    {
        var table = TestDatabase.UniqueSchema("inline");
        var projection = new RecordingProjection("inline", table);
        await db.ExecuteAsync(projection.CreateTableSql);
        var failing = new FailingProjection();
        var store = await CreateAsync(db, configure: o => new EventStoreOptions { DataSource = o.DataSource, Schema = o.Schema, Types = o.Types, InlineProjections = [projection] });
        var id = Guid.CreateVersion7();

        await store.OpenSession().StartStream(Inquiry, id, Registered(id), new InquiryAnswered(id, Monday)).SaveChangesAsync();

        Assert.Equal(
            await db.ScalarAsync($"select sum(seq_id * 10 + version) from {store.Options.Schema}.events"),
            await db.ScalarAsync($"select sum(seq_id * 10 + version) from {table}"));

        var rollingBack = await CreateAsync(db, store.Options.Schema, o => new EventStoreOptions { DataSource = o.DataSource, Schema = o.Schema, Types = o.Types, InlineProjections = [failing] });
        var other = Guid.CreateVersion7();
        await Assert.ThrowsAsync<InvalidOperationException>(() => rollingBack.OpenSession().StartStream(Inquiry, other, Registered(other)).SaveChangesAsync());
        Assert.Empty(await store.ReadStreamAsync(other));
    }

    [Fact]
    public async Task Given_a_stored_v1_event_When_read_Then_it_is_upcast_to_v2()
    {
        var store = await CreateAsync(db, configure: o => new EventStoreOptions
        {
            DataSource = o.DataSource,
            Schema = o.Schema,
            Types = Registry()
                .Map<InquiryForwardedV2>("test.inquiry_forwarded.v2")
                .Upcast("test.inquiry_forwarded_old.v1", "test.inquiry_forwarded.v2", json => new JsonObject
                {
                    ["inquiryId"] = json["inquiryId"]!.DeepClone(),
                    ["toPartner"] = json["partner"]!.DeepClone(),
                    ["channel"] = "unknown",
                    ["occurredAt"] = json["occurredAt"]!.DeepClone(),
                }),
        });
        var id = Guid.CreateVersion7();
        await store.OpenSession().StartStream(Inquiry, id, Registered(id)).SaveChangesAsync();
        // Stored as an older release wrote it: old alias, old field name.
        await db.ExecuteAsync($$"""
            select {{store.Options.Schema}}.append_to_stream('{{id}}', 'inquiry', '*DEFAULT*', 1, 1, array['{{Guid.CreateVersion7()}}'::uuid],
              array['test.inquiry_forwarded_old.v1'], array['{"inquiryId":"{{id}}","partner":"UWV","occurredAt":"2026-11-16T09:00:00+01:00"}'::jsonb],
              array[now()], null, null, null, null)
            """);

        var events = await store.ReadStreamAsync(id);

        Assert.Equal(new InquiryForwardedV2(id, "UWV", "unknown", Monday), events[1].Data);
        Assert.Equal("test.inquiry_forwarded_old.v1", events[1].Alias);
    }

    [Fact]
    public async Task Given_an_unregistered_event_type_When_appending_Then_it_fails_before_writing()
    {
        var store = await CreateAsync(db);
        var id = Guid.CreateVersion7();

        await Assert.ThrowsAsync<UnknownEventTypeException>(() => store.OpenSession().StartStream(Inquiry, id, new { Unmapped = true }).SaveChangesAsync());

        Assert.Empty(await store.ReadStreamAsync(id));
    }

    [Fact]
    public async Task Given_the_schema_When_applied_twice_concurrently_Then_both_succeed()
    {
        var schema = TestDatabase.UniqueSchema();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CreateAsync(db, schema)));

        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {schema}.event_progression"));
    }

    private async Task<DateTimeOffset> DatabaseNowAsync()
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("select clock_timestamp()", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetFieldValue<DateTimeOffset>(0);
    }

    private sealed record InquiryForwardedV2(Guid InquiryId, string ToPartner, string Channel, DateTimeOffset OccurredAt) : IOccurredAt;

    private sealed class FailingProjection : IProjection
    {
        public string Name => "failing";

        public Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<EventEnvelope> events, CancellationToken ct) =>
            throw new InvalidOperationException("read model rejected the event");

        public Task ResetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) => Task.CompletedTask;
    }
}
