using WorkCentre.EventStore.Daemon;
using WorkCentre.Platform.Tests.Infrastructure;
using WorkCentre.Privacy;
using WorkCentre.Testing;
using static WorkCentre.Platform.Tests.Privacy.PrivacyStores;

namespace WorkCentre.Platform.Tests.Privacy;

public sealed class ErasureTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Given_a_shredded_subject_When_its_events_are_read_Then_personal_values_read_as_erased_and_others_are_unaffected()
    {
        var privacy = await CreateAsync(db);
        var (erased, kept) = (Guid.NewGuid(), Guid.NewGuid());
        await privacy.AppendAsync(erased, Jansen(erased));
        await privacy.AppendAsync(kept, DeVries(kept));
        Assert.Equal(Jansen(erased), await privacy.SingleAsync(erased));

        await privacy.Keys.ShredAsync(erased);
        await privacy.Keys.ShredAsync(erased);

        var read = Assert.IsType<ParticipantRegistered>(await privacy.SingleAsync(erased));
        Assert.Equal(PersonalData.Erased, read.Name);
        Assert.True(PersonalData.IsErased(read.Bsn));
        Assert.Null(read.DateOfBirth);
        Assert.Equal("Zwolle", read.Municipality);
        Assert.Equal(erased, read.ParticipantId);
        Assert.Equal(DeVries(kept), await privacy.SingleAsync(kept));
        Assert.Equal(1, await db.ScalarAsync(
            $"select count(*) from {privacy.KeySchema}.subject_keys where subject_id = '{erased}' and wrapped_key is null and shredded_at is not null"));
    }

    [Fact]
    public async Task Given_a_shredded_household_member_When_the_household_is_read_Then_only_that_member_reads_as_erased()
    {
        var privacy = await CreateAsync(db);
        var participant = Guid.NewGuid();
        var (shredded, kept) = (new HouseholdMember(Guid.NewGuid(), "Sanne Jansen", new ContactDetails("06-87654321", "call")), new HouseholdMember(Guid.NewGuid(), "Daan Jansen", null));
        await privacy.AppendAsync(participant, new HouseholdRegistered(participant, [shredded, kept], "Marieke Jansen"));

        await privacy.Keys.ShredAsync(shredded.MemberId);

        var read = Assert.IsType<HouseholdRegistered>(await privacy.SingleAsync(participant));
        Assert.Equal("Marieke Jansen", read.Name);
        Assert.Equal(new HouseholdMember(shredded.MemberId, PersonalData.Erased, new ContactDetails(PersonalData.Erased, "call")), read.Members[0]);
        Assert.Equal(kept, read.Members[1]);
    }

    [Fact]
    public async Task Given_a_shredded_subject_When_an_async_projection_is_rebuilt_Then_it_runs_to_the_end_and_shows_the_erased_marker()
    {
        var privacy = await CreateAsync(db);
        var projection = new ParticipantNamesProjection(privacy.Schema);
        await projection.CreateAsync(db.DataSource);
        var (erased, kept) = (Guid.NewGuid(), Guid.NewGuid());
        await privacy.AppendAsync(erased, Jansen(erased));
        await privacy.AppendAsync(kept, DeVries(kept));
        await using var daemon = new ProjectionDaemon(privacy.Store, [projection]);
        await daemon.StartAsync(CancellationToken.None);
        // Rebuilds replay up to the high-water mark, so it must cover both events first.
        await Eventually.TrueAsync(() => Task.FromResult(daemon.IsLeader && daemon.HighWaterMark >= 2), Timeout, "the daemon leads and sees both events");
        await daemon.RebuildAsync(projection.Name);
        Assert.Equal(("Marieke Jansen", new DateOnly(1987, 3, 14)), await projection.FindAsync(db.DataSource, erased));

        await privacy.Keys.ShredAsync(erased);
        await daemon.RebuildAsync(projection.Name);

        Assert.Equal((PersonalData.Erased, (DateOnly?)null), await projection.FindAsync(db.DataSource, erased));
        Assert.Equal(("Pieter de Vries", new DateOnly(1975, 11, 2)), await projection.FindAsync(db.DataSource, kept));
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.Schema}.dead_letter_events"));
    }

    [Fact]
    public async Task Given_a_shredded_subject_When_personal_data_is_written_for_it_Then_SubjectErasedException_is_thrown_and_nothing_is_written()
    {
        var privacy = await CreateAsync(db);
        var (erased, other) = (Guid.NewGuid(), Guid.NewGuid());
        await privacy.Keys.ShredAsync(erased);

        await using var session = privacy.Store.OpenSession();
        session.StartStream("participant", other, DeVries(other));
        session.StartStream("participant", erased, Jansen(erased));
        var ex = await Assert.ThrowsAsync<SubjectErasedException>(() => session.SaveChangesAsync());

        Assert.Equal(erased.ToString(), ex.SubjectId);
        Assert.DoesNotContain("Jansen", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.Schema}.events"));
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.KeySchema}.subject_keys where subject_id = '{other}'"));
        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {privacy.KeySchema}.subject_keys where subject_id = '{erased}' and wrapped_key is null"));
    }
}
