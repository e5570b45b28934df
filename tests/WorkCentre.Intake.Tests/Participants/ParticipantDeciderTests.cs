using WorkCentre.Intake.Participants;
using WorkCentre.Messaging;
using static WorkCentre.Intake.Participants.ParticipantCommand;

namespace WorkCentre.Intake.Tests.Participants;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class ParticipantDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Jan = Guid.CreateVersion7();
    private static readonly Guid JanAgain = Guid.CreateVersion7();
    private static readonly PersonalDetails JanDetails =
        new("Jan", "van der", "Berg", new DateOnly(1990, 5, 17), "jan@example.nl", "0612345678", "1011 AB", "111222333");

    private static ParticipantRegistered Registered(Guid id) =>
        new(id, Now, "Jan", "van der", "Berg", new DateOnly(1990, 5, 17), "jan@example.nl", "0612345678", "1011 AB", "111222333", "Hilversum", IdentitySource.IdentityDocument, "staff-1");

    private static Participant Given(params object[] events) => events.Aggregate(Participant.Initial, Participant.Evolve);

    private static IReadOnlyList<object> When(ParticipantCommand command, params object[] given) => Participant.Decide(command, Given(given));

    private static string Refused(ParticipantCommand command, params object[] given) =>
        Assert.Throws<DomainRuleViolationException>(() => When(command, given)).Rule;

    private static MergeDecision Merge(object[] merged, object[] survivor, Guid? from = null, Guid? into = null) =>
        Participant.DecideMerge(new MergeInto(from ?? JanAgain, into ?? Jan, "staff-1", Now), Given(merged), Given(survivor));

    private static string MergeRefused(object[] merged, object[] survivor, Guid? from = null, Guid? into = null) =>
        Assert.Throws<DomainRuleViolationException>(() => Merge(merged, survivor, from, into)).Rule;

    [Fact]
    public void Given_nothing_When_registering_Then_registered_with_the_details_and_nothing_merged()
    {
        var registered = Assert.IsType<ParticipantRegistered>(Assert.Single(When(new Register(Jan, JanDetails, "Hilversum", IdentitySource.IdentityDocument, "staff-1", Now))));

        var state = Assert.IsType<Participant.Registered>(Participant.Evolve(Participant.Initial, registered));
        Assert.Equal(JanDetails, state.Details);
        Assert.Equal("Hilversum", state.Municipality);
        Assert.Equal(Now, state.RegisteredAt);
        Assert.Empty(state.MergedFrom);
    }

    [Fact]
    public void Given_a_registered_participant_When_registering_the_same_id_again_Then_refused() =>
        Assert.Equal("participant.already-registered", Refused(new Register(Jan, JanDetails, null, IdentitySource.SelfDeclared, "staff-1", Now), Registered(Jan)));

    [Fact]
    public void Given_nothing_When_erasing_Then_refused_as_unknown() =>
        Assert.Equal("participant.unknown", Refused(new Erase(Jan, ErasureReason.SubjectRequest, "staff-1", Now)));

    [Fact]
    public void Given_a_registered_participant_When_erasing_Then_erased_with_the_reason_code_and_no_personal_data_left_in_state()
    {
        var erased = Assert.IsType<ParticipantErased>(Assert.Single(When(new Erase(Jan, ErasureReason.SubjectRequest, "staff-1", Now), Registered(Jan))));

        Assert.Equal(ErasureReason.SubjectRequest, erased.Reason);
        var state = Assert.IsType<Participant.Erased>(Given(Registered(Jan), erased));
        Assert.Equal("Hilversum", state.Municipality);
        Assert.DoesNotContain("Berg", state.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Given_an_erased_participant_When_erasing_again_Then_nothing_new_happens() =>
        Assert.Empty(When(new Erase(Jan, ErasureReason.SubjectRequest, "staff-1", Now), Registered(Jan), new ParticipantErased(Jan, ErasureReason.SubjectRequest, Now, "staff-1")));

    [Fact]
    public void Given_an_erased_participant_When_registering_the_id_again_Then_refused() =>
        Assert.Equal("participant.already-registered",
            Refused(new Register(Jan, JanDetails, null, IdentitySource.SelfDeclared, "staff-1", Now), Registered(Jan), new ParticipantErased(Jan, ErasureReason.RegisteredInError, Now, "staff-1")));

    [Fact]
    public void Given_a_merged_participant_When_erasing_Then_erased_and_still_pointing_at_the_survivor()
    {
        var merged = new ParticipantMerged(JanAgain, Jan, Now, "staff-1");

        var erased = Assert.Single(When(new Erase(JanAgain, ErasureReason.SubjectRequest, "staff-1", Now), Registered(JanAgain), merged));

        Assert.Equal(Jan, Assert.IsType<Participant.Erased>(Given(Registered(JanAgain), merged, erased)).IntoParticipantId);
    }

    [Fact]
    public void Given_two_registered_participants_When_merging_one_into_the_other_Then_the_merged_points_at_the_survivor_and_the_survivor_lists_it()
    {
        var decision = Merge([Registered(JanAgain)], [Registered(Jan)]);

        var merged = Assert.IsType<ParticipantMerged>(Assert.Single(decision.Merged));
        var mergedIn = Assert.IsType<ParticipantMergedIn>(Assert.Single(decision.Survivor));
        Assert.Equal(Jan, merged.IntoParticipantId);
        Assert.Equal([JanAgain], mergedIn.MergedParticipantIds);
        var mergedState = Assert.IsType<Participant.MergedInto>(Given(Registered(JanAgain), merged));
        Assert.Equal(Jan, mergedState.IntoParticipantId);
        Assert.Equal(JanDetails, mergedState.Details);
        Assert.Equal([JanAgain], Assert.IsType<Participant.Registered>(Given(Registered(Jan), mergedIn)).MergedFrom);
    }

    [Fact]
    public void Given_a_participant_that_absorbed_another_When_it_is_merged_on_Then_the_survivor_lists_both()
    {
        var earlier = Guid.CreateVersion7();
        var absorbed = new ParticipantMergedIn(JanAgain, [earlier], Now, "staff-1");

        var mergedIn = Assert.IsType<ParticipantMergedIn>(Assert.Single(Merge([Registered(JanAgain), absorbed], [Registered(Jan)]).Survivor));

        Assert.Equal([JanAgain, earlier], mergedIn.MergedParticipantIds);
    }

    [Fact]
    public void Given_a_participant_When_merging_it_into_itself_Then_refused() =>
        Assert.Equal("participant.merge-self", MergeRefused([Registered(Jan)], [Registered(Jan)], from: Jan, into: Jan));

    [Fact]
    public void Given_an_unknown_participant_When_merging_it_Then_refused_as_unknown() =>
        Assert.Equal("participant.unknown", MergeRefused([], [Registered(Jan)]));

    [Fact]
    public void Given_an_already_merged_participant_When_merging_it_again_Then_refused() =>
        Assert.Equal("participant.already-merged",
            MergeRefused([Registered(JanAgain), new ParticipantMerged(JanAgain, Guid.CreateVersion7(), Now, "staff-1")], [Registered(Jan)]));

    [Fact]
    public void Given_an_erased_participant_When_merging_it_Then_refused() =>
        Assert.Equal("participant.erased",
            MergeRefused([Registered(JanAgain), new ParticipantErased(JanAgain, ErasureReason.SubjectRequest, Now, "staff-1")], [Registered(Jan)]));

    [Fact]
    public void Given_an_unknown_survivor_When_merging_into_it_Then_refused() =>
        Assert.Equal("participant.merge-target-unknown", MergeRefused([Registered(JanAgain)], []));

    [Fact]
    public void Given_a_survivor_that_is_itself_merged_When_merging_into_it_Then_refused() =>
        Assert.Equal("participant.merge-target-merged",
            MergeRefused([Registered(JanAgain)], [Registered(Jan), new ParticipantMerged(Jan, Guid.CreateVersion7(), Now, "staff-1")]));

    [Fact]
    public void Given_an_erased_survivor_When_merging_into_it_Then_refused() =>
        Assert.Equal("participant.merge-target-erased",
            MergeRefused([Registered(JanAgain)], [Registered(Jan), new ParticipantErased(Jan, ErasureReason.SubjectRequest, Now, "staff-1")]));

    [Fact]
    public void Given_a_merge_command_When_decided_without_the_survivor_Then_it_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => When(new MergeInto(JanAgain, Jan, "staff-1", Now), Registered(JanAgain)));

    [Theory]
    [InlineData("2009-01-01", "under-18")]
    [InlineData("2002-12-02", "18-24")] // turns 24 on the event date
    [InlineData("2001-12-02", "25-34")] // turns 25 on the event date
    [InlineData("2001-12-03", "18-24")] // turns 25 the day after
    [InlineData("1976-06-30", "45-54")]
    [InlineData("1950-01-01", "65-plus")]
    public void Given_a_date_of_birth_When_banding_at_the_event_date_Then_the_band_counts_birthdays(string born, string band) =>
        Assert.Equal(band, AgeBands.Of(DateOnly.Parse(born, System.Globalization.CultureInfo.InvariantCulture), Now));

    [Fact]
    public void Given_an_erased_date_of_birth_When_banding_Then_no_band() => Assert.Null(AgeBands.Of(null, Now));
}
