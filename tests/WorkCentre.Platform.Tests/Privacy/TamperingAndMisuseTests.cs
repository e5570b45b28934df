using System.Text.Json;
using WorkCentre.Platform.Tests.Infrastructure;
using WorkCentre.Privacy;
using WorkCentre.Testing;
using static WorkCentre.Platform.Tests.Privacy.PrivacyStores;

namespace WorkCentre.Platform.Tests.Privacy;

public sealed class TamperingAndMisuseTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Given_a_value_copied_into_another_subjects_event_When_read_Then_PersonalDataIntegrityException_is_thrown()
    {
        var privacy = await CreateAsync(db);
        var (victim, target) = (Guid.NewGuid(), Guid.NewGuid());
        await privacy.AppendAsync(victim, Jansen(victim));
        await privacy.AppendAsync(target, DeVries(target));

        await db.ExecuteAsync($"""
            update {privacy.Schema}.events set data = jsonb_set(data, array['name'],
                (select data->'name' from {privacy.Schema}.events where stream_id = '{victim}'))
            where stream_id = '{target}'
            """);

        var ex = await Assert.ThrowsAsync<PersonalDataIntegrityException>(() => privacy.Store.ReadStreamAsync(target));
        Assert.Equal("ParticipantRegistered.Name", ex.Property);
        Assert.DoesNotContain("Jansen", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Jansen(victim), await privacy.SingleAsync(victim));
    }

    [Fact]
    public async Task Given_a_value_relabelled_to_another_subject_When_read_Then_PersonalDataIntegrityException_is_thrown()
    {
        var privacy = await CreateAsync(db);
        var (victim, target) = (Guid.NewGuid(), Guid.NewGuid());
        await privacy.AppendAsync(victim, Jansen(victim));
        await privacy.AppendAsync(target, DeVries(target));

        await db.ExecuteAsync($"""
            update {privacy.Schema}.events set data = jsonb_set(data, array['name'], to_jsonb(replace(
                (select data->>'name' from {privacy.Schema}.events where stream_id = '{victim}'), '{victim}', '{target}')))
            where stream_id = '{target}'
            """);

        await Assert.ThrowsAsync<PersonalDataIntegrityException>(() => privacy.Store.ReadStreamAsync(target));
    }

    [Fact]
    public async Task Given_personal_data_without_a_subject_in_scope_When_appended_Then_InvalidOperationException_names_the_property_and_nothing_is_written()
    {
        var privacy = await CreateAsync(db);
        var note = new NoteTaken(Guid.NewGuid(), "Marieke Jansen is ziek");

        await using var session = privacy.Store.OpenSession();
        session.StartStream("note", note.NoteId, note);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => session.SaveChangesAsync());

        Assert.Contains("NoteTaken.Text", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Jansen", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.Schema}.streams"));
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.KeySchema}.subject_keys"));
    }

    [Fact]
    public async Task Given_non_nullable_personal_data_that_is_not_a_string_When_appended_Then_InvalidOperationException_names_the_property()
    {
        var privacy = await CreateAsync(db);
        var id = Guid.NewGuid();

        await using var session = privacy.Store.OpenSession();
        session.StartStream("participant", id, new BirthDateRecorded(id, new DateOnly(1987, 3, 14)));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => session.SaveChangesAsync());

        Assert.Contains("BirthDateRecorded.DateOfBirth", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.Schema}.events"));
    }

    [Fact]
    public async Task Given_an_event_with_personal_data_When_serialized_outside_the_event_store_Then_it_is_refused()
    {
        var privacy = await CreateAsync(db);
        var registered = Jansen(Guid.NewGuid());

        var ex = Assert.Throws<InvalidOperationException>(() => JsonSerializer.Serialize(registered, privacy.Store.Serializer.Json));

        Assert.Contains("ParticipantRegistered.Name", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bm90LTMyLWJ5dGVz")]
    [InlineData("not base64 at all")]
    public void Given_a_missing_or_malformed_master_key_When_the_protector_is_made_Then_it_fails_clearly(string? masterKey)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new PersonalDataProtector(null, new PrivacyOptions { MasterKey = masterKey }));

        Assert.Contains("Privacy:MasterKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Given_a_schema_name_that_is_not_a_plain_identifier_When_the_protector_is_made_Then_it_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new PersonalDataProtector(
            null, new PrivacyOptions { MasterKey = PrivacyOptions.DevelopmentMasterKey, Schema = "privacy; drop table x" }));
    }
}
