using WorkCentre.Platform.Tests.Infrastructure;
using WorkCentre.Privacy;
using WorkCentre.Testing;
using static WorkCentre.Platform.Tests.Privacy.PrivacyStores;

namespace WorkCentre.Platform.Tests.Privacy;

public sealed class PersonalDataEncryptionTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Given_an_event_with_personal_data_When_appended_and_read_back_Then_it_equals_the_original()
    {
        var privacy = await CreateAsync(db);
        var id = Guid.NewGuid();
        var registered = Jansen(id);

        await privacy.AppendAsync(id, registered);

        Assert.Equal(registered, await privacy.SingleAsync(id));
        var state = await privacy.Store.FetchForWritingAsync<object?>(id, null, (_, e) => e);
        Assert.Equal(registered, state.State);
    }

    [Fact]
    public async Task Given_two_events_with_the_same_name_When_appended_Then_their_stored_ciphertexts_differ()
    {
        var privacy = await CreateAsync(db);
        var id = Guid.NewGuid();

        await privacy.AppendAsync(id, Jansen(id), Jansen(id));

        var stored = await StoredNamesAsync(privacy, id);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, s => Assert.StartsWith($"wcenc:v1:{id}:", s));
        Assert.NotEqual(stored[0], stored[1]);
    }

    [Fact]
    public async Task Given_personal_data_appended_When_the_raw_event_rows_are_read_Then_no_plaintext_occurs()
    {
        var privacy = await CreateAsync(db);
        var id = Guid.NewGuid();

        await privacy.AppendAsync(id, Jansen(id), new ContactDetailsChanged(id.ToString(), new ContactDetails("06-12345678", "sms")));

        var raw = string.Join("\n", await db.QueryStringsAsync($"select data::text from {privacy.Schema}.events order by seq_id"));
        foreach (var plaintext in new[] { "Marieke", "Jansen", "123456782", "1987-03-14", "1987", "06-12345678" })
        {
            Assert.DoesNotContain(plaintext, raw, StringComparison.Ordinal);
        }
        Assert.Contains("Zwolle", raw, StringComparison.Ordinal);
        Assert.Contains("sms", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_nested_objects_with_and_without_their_own_subject_When_read_back_Then_each_value_round_trips()
    {
        var privacy = await CreateAsync(db);
        var participant = Guid.NewGuid();
        var household = new HouseholdRegistered(
            participant,
            [new HouseholdMember(Guid.NewGuid(), "Sanne Jansen", new ContactDetails("06-87654321", "call")), new HouseholdMember(Guid.NewGuid(), "Daan Jansen", null)],
            "Marieke Jansen");
        var contact = new ContactDetailsChanged(participant.ToString(), new ContactDetails("06-12345678", "sms"));

        await privacy.AppendAsync(participant, household, contact);

        var events = await privacy.Store.ReadStreamAsync(participant);
        var read = Assert.IsType<HouseholdRegistered>(events[0].Data);
        Assert.Equal(household.Name, read.Name);
        Assert.Equal(household.Members, read.Members);
        Assert.Equal(contact, events[1].Data);
        // Each member's values are sealed under the member's own subject id.
        var raw = Assert.Single(await db.QueryStringsAsync($"select data::text from {privacy.Schema}.events where type = 'test.household_registered.v1'"));
        Assert.Contains($"wcenc:v1:{household.Members[0].MemberId}:", raw, StringComparison.Ordinal);
        Assert.Contains($"wcenc:v1:{household.Members[1].MemberId}:", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_concurrent_writers_for_a_new_subject_When_they_append_Then_they_agree_on_one_key()
    {
        var privacy = await CreateAsync(db);
        var participant = Guid.NewGuid();
        var streams = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(streams.Select(s => Task.Run(() => privacy.AppendAsync(s, Jansen(participant)))));

        foreach (var stream in streams)
        {
            Assert.Equal(Jansen(participant), await privacy.SingleAsync(stream));
        }
        Assert.Equal(1, await db.ScalarAsync($"select count(*) from {privacy.KeySchema}.subject_keys where subject_id = '{participant}'"));
    }

    [Fact]
    public async Task Given_the_key_schema_When_applied_twice_Then_it_is_idempotent()
    {
        var privacy = await CreateAsync(db);

        await privacy.Keys.ApplySchemaAsync();

        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.KeySchema}.subject_keys"));
    }

    [Fact]
    public async Task Given_nested_read_scopes_When_the_inner_one_is_disposed_Then_the_outer_one_still_reads_its_payloads()
    {
        var privacy = await CreateAsync(db);
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        await privacy.AppendAsync(a, Jansen(a));
        await privacy.AppendAsync(b, DeVries(b));
        var payloads = await db.QueryStringsAsync($"select data::text from {privacy.Schema}.events order by seq_id");
        const string alias = "test.participant_registered.v1";
        await using var connection = await db.DataSource.OpenConnectionAsync();

        using (await privacy.Protector.BeginReadAsync(connection, [payloads[0]], default))
        {
            using (await privacy.Protector.BeginReadAsync(connection, [payloads[1]], default))
            {
                Assert.Equal(DeVries(b), privacy.Store.Serializer.Deserialize(alias, payloads[1]));
            }
            Assert.Equal(Jansen(a), privacy.Store.Serializer.Deserialize(alias, payloads[0]));
        }

        Assert.Throws<InvalidOperationException>(() => privacy.Store.Serializer.Deserialize(alias, payloads[0]));
    }

    private Task<List<string>> StoredNamesAsync(PrivacyStore privacy, Guid streamId) =>
        db.QueryStringsAsync($"select data->>'name' from {privacy.Schema}.events where stream_id = '{streamId}' order by seq_id");
}
