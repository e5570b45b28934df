using WorkCentre.EventStore.Daemon;
using WorkCentre.Privacy;
using WorkCentre.Testing;
using static WorkCentre.Platform.Tests.Privacy.PrivacyStores;

namespace WorkCentre.Platform.Tests.Privacy;

/// <summary>Events the daemon cannot read fail alone, with their own error, and leave no personal data behind.</summary>
public sealed class UnreadableEventsTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Given_a_page_whose_first_event_has_a_malformed_field_When_projected_Then_only_that_event_is_dead_lettered_with_its_own_error()
    {
        var (privacy, projection, ids) = await ThreeParticipantsAsync();
        await db.ExecuteAsync($"update {privacy.Schema}.events set data = jsonb_set(data, '{{municipality}}', '42') where stream_id = '{ids[0]}'");

        await ProjectAsync(privacy, projection);

        var (type, message) = await SingleDeadLetterAsync(privacy, 1);
        Assert.Equal(typeof(System.Text.Json.JsonException).FullName, type);
        Assert.Contains("$.municipality", message, StringComparison.Ordinal);
        Assert.Null(await projection.FindAsync(db.DataSource, ids[0]));
        Assert.Equal(("Pieter de Vries", new DateOnly(1975, 11, 2)), await projection.FindAsync(db.DataSource, ids[1]));
        Assert.Equal(("Marieke Jansen", new DateOnly(1987, 3, 14)), await projection.FindAsync(db.DataSource, ids[2]));
    }

    [Fact]
    public async Task Given_a_page_whose_first_event_fails_its_integrity_check_When_projected_Then_only_that_event_is_dead_lettered_naming_its_own_subject()
    {
        var (privacy, projection, ids) = await ThreeParticipantsAsync();
        // Alter one character inside the authentication tag of the first participant's name.
        await db.ExecuteAsync($$"""
            update {{privacy.Schema}}.events set data = jsonb_set(data, '{name}', to_jsonb(overlay(data->>'name'
                placing (case when substr(data->>'name', length(data->>'name') - 4, 1) = 'A' then 'B' else 'A' end)
                from length(data->>'name') - 4 for 1)))
            where stream_id = '{{ids[0]}}'
            """);

        await ProjectAsync(privacy, projection);

        var (type, message) = await SingleDeadLetterAsync(privacy, 1);
        Assert.Equal(typeof(PersonalDataIntegrityException).FullName, type);
        Assert.Contains(ids[0].ToString(), message, StringComparison.Ordinal);
        Assert.NotNull(await projection.FindAsync(db.DataSource, ids[1]));
        Assert.NotNull(await projection.FindAsync(db.DataSource, ids[2]));
    }

    [Fact]
    public async Task Given_a_personal_value_its_converter_rejects_When_dead_lettered_Then_the_stored_error_holds_nothing_of_the_value()
    {
        var privacy = await CreateAsync(db);
        var projection = new ParticipantNamesProjection(privacy.Schema);
        await projection.CreateAsync(db.DataSource);
        var id = Guid.NewGuid();
        await privacy.AppendAsync(id, new PhoneRecorded(id, "+31 6 9876 5432"));

        await ProjectAsync(privacy, projection);

        var (type, message) = await SingleDeadLetterAsync(privacy, 1);
        Assert.Equal(typeof(FormatException).FullName, type);
        Assert.DoesNotContain("9876", message, StringComparison.Ordinal);
        Assert.Equal(0, await db.ScalarAsync($"select count(*) from {privacy.Schema}.dead_letter_events where error_message like '%5432%'"));
    }

    private async Task<(PrivacyStore Privacy, ParticipantNamesProjection Projection, Guid[] Ids)> ThreeParticipantsAsync()
    {
        var privacy = await CreateAsync(db);
        var projection = new ParticipantNamesProjection(privacy.Schema);
        await projection.CreateAsync(db.DataSource);
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await privacy.AppendAsync(ids[0], Jansen(ids[0]));
        await privacy.AppendAsync(ids[1], DeVries(ids[1]));
        await privacy.AppendAsync(ids[2], Jansen(ids[2]));
        return (privacy, projection, ids);
    }

    // Started after the events are in, so all of them arrive in one page.
    private static async Task ProjectAsync(PrivacyStore privacy, ParticipantNamesProjection projection)
    {
        await using var daemon = new ProjectionDaemon(privacy.Store, [projection]);
        await daemon.StartAsync(CancellationToken.None);
        await daemon.WaitForCatchUpAsync(Patience);
    }

    private async Task<(string Type, string Message)> SingleDeadLetterAsync(PrivacyStore privacy, long sequence)
    {
        var rows = await db.QueryStringsAsync($"select seq_id || '|' || error_type || '|' || error_message from {privacy.Schema}.dead_letter_events");
        var row = Assert.Single(rows).Split('|', 3);
        Assert.Equal(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), row[0]);
        return (row[1], row[2]);
    }
}
