using WorkCentre.Intake.InformationSessions;
using WorkCentre.Messaging;
using static WorkCentre.Intake.InformationSessions.InformationSessionCommand;

namespace WorkCentre.Intake.Tests.InformationSessions;

/// <summary>Given earlier events, when a command is decided, then these events (or this rule) — no I/O.</summary>
public sealed class InformationSessionDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 12, 2);
    private static readonly Guid Id = Guid.CreateVersion7();

    private static InformationSessionCommand.Record Session(int headcount = 42, DateOnly? heldOn = null) =>
        new(Id, "ZorgStart", "Spaarne Gasthuis", "Haarlem", heldOn ?? Today, Today, headcount, "advisor-1", Now);

    private static string Refused(InformationSessionCommand command, params object[] given) =>
        Assert.Throws<DomainRuleViolationException>(() => InformationSession.Decide(command, given.Aggregate(InformationSession.Initial, InformationSession.Evolve))).Rule;

    [Fact]
    public void Given_nothing_When_a_session_held_today_is_recorded_Then_its_headcount_is_kept() =>
        Assert.Equal(42, Assert.IsType<InformationSessionHeld>(Assert.Single(InformationSession.Decide(Session(), InformationSession.Initial))).Headcount);

    [Fact]
    public void Given_nothing_When_a_session_of_tomorrow_is_recorded_Then_refused() =>
        Assert.Equal("information-session.in-future", Refused(Session(heldOn: Today.AddDays(1))));

    [Theory]
    [InlineData(0)]
    [InlineData(1_001)]
    public void Given_nothing_When_the_headcount_is_out_of_range_Then_refused(int headcount) =>
        Assert.Equal("information-session.headcount", Refused(Session(headcount)));

    [Fact]
    public void Given_a_session_When_the_same_headcount_is_corrected_Then_nothing_and_a_new_one_replaces_it()
    {
        var held = InformationSession.Decide(Session(), InformationSession.Initial)[0];
        var state = InformationSession.Evolve(InformationSession.Initial, held);

        Assert.Empty(InformationSession.Decide(new CorrectHeadcount(Id, 42, "advisor-1", Now), state));
        var corrected = Assert.IsType<InformationSessionHeadcountCorrected>(Assert.Single(InformationSession.Decide(new CorrectHeadcount(Id, 40, "advisor-1", Now), state)));
        Assert.Equal(40, Assert.IsType<InformationSession.Held>(InformationSession.Evolve(state, corrected)).Headcount);
    }
}
