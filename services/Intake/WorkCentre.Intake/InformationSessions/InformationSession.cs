using WorkCentre.EventStore;
using WorkCentre.Messaging;

namespace WorkCentre.Intake.InformationSessions;

/// <summary>A group information session (e.g. ZorgStart's "600 informed"): a headcount per programme, place and date, no names.</summary>
public sealed record InformationSessionHeld(
    Guid SessionId, string Programme, string Location, string Municipality, DateOnly HeldOn, int Headcount, string RecordedBy, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>The attendance list was recounted; the new headcount replaces the old one.</summary>
public sealed record InformationSessionHeadcountCorrected(Guid SessionId, int Headcount, string CorrectedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public abstract record InformationSessionCommand(Guid SessionId, string Actor, DateTimeOffset Now)
{
    public sealed record Record(Guid SessionId, string Programme, string Location, string Municipality, DateOnly HeldOn, DateOnly Today, int Headcount,
        string Actor, DateTimeOffset Now) : InformationSessionCommand(SessionId, Actor, Now);

    public sealed record CorrectHeadcount(Guid SessionId, int Headcount, string Actor, DateTimeOffset Now) : InformationSessionCommand(SessionId, Actor, Now);
}

/// <summary>The information-session decider: pure functions over a closed set of states.</summary>
public abstract record InformationSession
{
    public const string StreamType = "intake.information_session";

    /// <summary>A session is a room, not a campaign: more than this is a typo.</summary>
    public const int LargestSession = 1_000;

    private InformationSession()
    {
    }

    public sealed record None : InformationSession;

    public sealed record Held(Guid SessionId, string Programme, string Location, string Municipality, DateOnly HeldOn, int Headcount) : InformationSession;

    public static readonly InformationSession Initial = new None();

    public static readonly Decider<InformationSession, InformationSessionCommand> Decider = new(StreamType, Initial, Evolve, Decide, s => s is Held);

    public static InformationSession Evolve(InformationSession state, object @event) => (state, @event) switch
    {
        (None, InformationSessionHeld e) => new Held(e.SessionId, e.Programme, e.Location, e.Municipality, e.HeldOn, e.Headcount),
        (Held h, InformationSessionHeadcountCorrected e) => h with { Headcount = e.Headcount },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(InformationSessionCommand command, InformationSession state) => (command, state) switch
    {
        (InformationSessionCommand.Record c, None) when c.HeldOn > c.Today =>
            throw Violation("information-session.in-future", "A session is recorded once it has been held."),
        (InformationSessionCommand.Record c, None) => [new InformationSessionHeld(c.SessionId, c.Programme, c.Location, c.Municipality, c.HeldOn, Counted(c.Headcount), c.Actor, c.Now)],
        (InformationSessionCommand.Record c, Held) => throw Violation("information-session.already-recorded", $"Session {c.SessionId} is recorded already."),
        (_, None) => throw Violation("information-session.unknown", $"No session {command.SessionId} was recorded."),
        (InformationSessionCommand.CorrectHeadcount c, Held h) when h.Headcount == c.Headcount => [],
        (InformationSessionCommand.CorrectHeadcount c, Held) => [new InformationSessionHeadcountCorrected(c.SessionId, Counted(c.Headcount), c.Actor, c.Now)],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not an information-session command"),
    };

    private static int Counted(int headcount) => headcount is >= 1 and <= LargestSession
        ? headcount
        : throw Violation("information-session.headcount", $"A headcount is 1 to {LargestSession}.");

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

public static class InformationSessionEvents
{
    public static EventTypeRegistry MapInformationSessionEvents(this EventTypeRegistry events) => events
        .Map<InformationSessionHeld>("intake.information_session_held.v1")
        .Map<InformationSessionHeadcountCorrected>("intake.information_session_headcount_corrected.v1");
}
