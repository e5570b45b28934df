using WorkCentre.EventStore;
using WorkCentre.Messaging;

namespace WorkCentre.Intake.Campaigns;

/// <summary>A bulk-intake campaign opened for an employer's announced redundancies; its id is the announcement's.</summary>
public sealed record CampaignOpened(
    Guid CampaignId, Guid EmployerId, string EmployerName, string Municipality, int ExpectedAffectedWorkers, DateOnly EffectiveOn, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>An affected worker registered as a participant joined the campaign.</summary>
public sealed record CampaignParticipantLinked(Guid CampaignId, Guid ParticipantId, string LinkedBy, DateTimeOffset OccurredAt) : IOccurredAt;

public abstract record CampaignCommand(Guid CampaignId, DateTimeOffset Now)
{
    public sealed record Open(Guid CampaignId, Guid EmployerId, string EmployerName, string Municipality, int ExpectedAffectedWorkers, DateOnly EffectiveOn,
        DateTimeOffset Now) : CampaignCommand(CampaignId, Now);

    public sealed record LinkParticipant(Guid CampaignId, Guid ParticipantId, string Actor, DateTimeOffset Now) : CampaignCommand(CampaignId, Now);
}

/// <summary>The campaign decider: pure functions over a closed set of states.</summary>
public abstract record Campaign
{
    public const string StreamType = "intake.campaign";

    private Campaign()
    {
    }

    public sealed record None : Campaign;

    public sealed record Running(Guid CampaignId, Guid EmployerId, string EmployerName, int ExpectedAffectedWorkers, IReadOnlySet<Guid> Participants) : Campaign;

    public static readonly Campaign Initial = new None();

    public static readonly Decider<Campaign, CampaignCommand> Decider = new(StreamType, Initial, Evolve, Decide, s => s is Running);

    public static Campaign Evolve(Campaign state, object @event) => (state, @event) switch
    {
        (None, CampaignOpened e) => new Running(e.CampaignId, e.EmployerId, e.EmployerName, e.ExpectedAffectedWorkers, new HashSet<Guid>()),
        (Running r, CampaignParticipantLinked e) => r with { Participants = new HashSet<Guid>(r.Participants) { e.ParticipantId } },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(CampaignCommand command, Campaign state) => (command, state) switch
    {
        // The same announcement delivered twice opens one campaign.
        (CampaignCommand.Open, Running) => [],
        (CampaignCommand.Open c, None) => c.ExpectedAffectedWorkers >= 0
            ? [new CampaignOpened(c.CampaignId, c.EmployerId, c.EmployerName, c.Municipality, c.ExpectedAffectedWorkers, c.EffectiveOn, c.Now)]
            : throw Violation("campaign.expected-workers", "The expected number of affected workers is not negative."),
        (_, None) => throw Violation("campaign.unknown", $"No campaign {command.CampaignId} was opened."),
        (CampaignCommand.LinkParticipant c, Running r) when r.Participants.Contains(c.ParticipantId) => [],
        (CampaignCommand.LinkParticipant c, Running) => [new CampaignParticipantLinked(c.CampaignId, c.ParticipantId, c.Actor, c.Now)],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a campaign command"),
    };

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

public static class CampaignEvents
{
    public static EventTypeRegistry MapCampaignEvents(this EventTypeRegistry events) => events
        .Map<CampaignOpened>("intake.campaign_opened.v1")
        .Map<CampaignParticipantLinked>("intake.campaign_participant_linked.v1");
}
