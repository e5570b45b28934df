using WorkCentre.EventStore;
using WorkCentre.Messaging;

namespace WorkCentre.Intake.Organisations;

/// <summary>What kind of partner: the work centre itself, a municipality or its work company (werkbedrijf), UWV, a partnership desk, a provider.</summary>
public enum OrganisationType { WorkCentre, Municipality, WorkCompany, Uwv, EmployerServicePoint, LearnWorkDesk, YouthTransitionPoint, MobilityTeam, TrainingProvider, MentalHealthProvider }

/// <summary>How deeply a partner takes part: only informed, receiving warm handovers, or delivering trajectories with us.</summary>
public enum ParticipationDepth { InformOnly, AcceptHandovers, CoDeliver }

/// <summary>
/// A legal entity, or a partnership of legal entities (the employer service point, the mobility team). Consent,
/// access and the read audit resolve to a legal entity, so a partnership names its members.
/// </summary>
public sealed record OrganisationRegistered(
    Guid OrganisationId, string Code, string Name, OrganisationType Type, ParticipationDepth Depth,
    IReadOnlyList<Guid> Members, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record InboxOpened(Guid OrganisationId, Guid InboxId, string Name, int ServiceLevelWorkingDays, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record InboxServiceLevelChanged(Guid OrganisationId, Guid InboxId, int ServiceLevelWorkingDays, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record InboxClosed(Guid OrganisationId, Guid InboxId, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record ParticipationDepthChanged(Guid OrganisationId, ParticipationDepth Depth, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record OrganisationDeactivated(Guid OrganisationId, DateTimeOffset OccurredAt) : IOccurredAt;

public sealed record OrganisationReactivated(Guid OrganisationId, DateTimeOffset OccurredAt) : IOccurredAt;

/// <summary>What an admin asks of an organisation.</summary>
public abstract record OrganisationCommand(Guid OrganisationId, DateTimeOffset Now)
{
    public sealed record Register(Guid OrganisationId, string Code, string Name, OrganisationType Type, ParticipationDepth Depth,
        IReadOnlyList<Guid> Members, DateTimeOffset Now) : OrganisationCommand(OrganisationId, Now);

    public sealed record OpenInbox(Guid OrganisationId, Guid InboxId, string Name, int ServiceLevelWorkingDays, DateTimeOffset Now)
        : OrganisationCommand(OrganisationId, Now);

    public sealed record ChangeServiceLevel(Guid OrganisationId, Guid InboxId, int ServiceLevelWorkingDays, DateTimeOffset Now)
        : OrganisationCommand(OrganisationId, Now);

    public sealed record CloseInbox(Guid OrganisationId, Guid InboxId, DateTimeOffset Now) : OrganisationCommand(OrganisationId, Now);

    public sealed record ChangeDepth(Guid OrganisationId, ParticipationDepth Depth, DateTimeOffset Now) : OrganisationCommand(OrganisationId, Now);

    public sealed record Deactivate(Guid OrganisationId, DateTimeOffset Now) : OrganisationCommand(OrganisationId, Now);

    public sealed record Reactivate(Guid OrganisationId, DateTimeOffset Now) : OrganisationCommand(OrganisationId, Now);
}

public sealed record Inbox(Guid InboxId, string Name, int ServiceLevelWorkingDays);

/// <summary>The organisation decider: partner reference data, changed by admins, pure functions over a closed set of states.</summary>
public abstract record Organisation
{
    public const string StreamType = "intake.organisation";

    /// <summary>A service level is counted in working days; more than a quarter is no service level.</summary>
    public const int MaxServiceLevelWorkingDays = 60;

    private Organisation()
    {
    }

    public sealed record Unknown : Organisation;

    public sealed record Known(
        Guid OrganisationId, string Code, string Name, OrganisationType Type, ParticipationDepth Depth,
        IReadOnlyList<Guid> Members, IReadOnlyList<Inbox> Inboxes, bool Active) : Organisation
    {
        public bool IsPartnership => Members.Count > 0;
    }

    public static readonly Organisation Initial = new Unknown();

    public static readonly Decider<Organisation, OrganisationCommand> Decider = new(StreamType, Initial, Evolve, Decide, s => s is Known);

    public static Organisation Evolve(Organisation state, object @event) => (state, @event) switch
    {
        (Unknown, OrganisationRegistered e) => new Known(e.OrganisationId, e.Code, e.Name, e.Type, e.Depth, e.Members, [], Active: true),
        (Known o, InboxOpened e) => o with { Inboxes = [.. o.Inboxes, new Inbox(e.InboxId, e.Name, e.ServiceLevelWorkingDays)] },
        (Known o, InboxServiceLevelChanged e) => o with
        {
            Inboxes = [.. o.Inboxes.Select(i => i.InboxId == e.InboxId ? i with { ServiceLevelWorkingDays = e.ServiceLevelWorkingDays } : i)],
        },
        (Known o, InboxClosed e) => o with { Inboxes = [.. o.Inboxes.Where(i => i.InboxId != e.InboxId)] },
        (Known o, ParticipationDepthChanged e) => o with { Depth = e.Depth },
        (Known o, OrganisationDeactivated) => o with { Active = false },
        (Known o, OrganisationReactivated) => o with { Active = true },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(OrganisationCommand command, Organisation state) => (command, state) switch
    {
        (OrganisationCommand.Register c, Unknown) => Register(c),
        (OrganisationCommand.Register c, Known) => throw Violation("organisation.already-registered", $"Organisation {c.OrganisationId} is already registered."),
        (_, Unknown) => throw Violation("organisation.unknown", $"Organisation {command.OrganisationId} is not registered."),
        (OrganisationCommand.Reactivate c, Known { Active: false }) => [new OrganisationReactivated(c.OrganisationId, c.Now)],
        (OrganisationCommand.Reactivate, Known) => [],
        (_, Known { Active: false } o) => throw Violation("organisation.inactive", $"{o.Name} is not active; reactivate it first."),
        (OrganisationCommand.OpenInbox c, Known o) => OpenInbox(c, o),
        (OrganisationCommand.ChangeServiceLevel c, Known o) => ChangeServiceLevel(c, o),
        (OrganisationCommand.CloseInbox c, Known o) => [new InboxClosed(c.OrganisationId, InboxOf(o, c.InboxId).InboxId, c.Now)],
        (OrganisationCommand.ChangeDepth c, Known o) => ChangeDepth(c, o),
        (OrganisationCommand.Deactivate c, Known) => [new OrganisationDeactivated(c.OrganisationId, c.Now)],
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not an organisation command"),
    };

    private static IReadOnlyList<object> Register(OrganisationCommand.Register c)
    {
        // A partnership of one is just its member; a partnership of itself would resolve to nobody.
        if (c.Members.Count == 1 || c.Members.Contains(c.OrganisationId) || c.Members.Distinct().Count() != c.Members.Count)
        {
            throw Violation("organisation.partnership-members", "A partnership lists at least two distinct member organisations, not itself.");
        }
        return [new OrganisationRegistered(c.OrganisationId, c.Code, c.Name, c.Type, c.Depth, c.Members, c.Now)];
    }

    private static IReadOnlyList<object> OpenInbox(OrganisationCommand.OpenInbox c, Known o)
    {
        // Warm handovers arrive in inboxes; a partner that is only kept informed receives none.
        if (o.Depth == ParticipationDepth.InformOnly)
        {
            throw Violation("organisation.inform-only", $"{o.Name} is only kept informed and receives no handovers; change its participation first.");
        }
        if (o.Inboxes.Any(i => string.Equals(i.Name, c.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw Violation("organisation.inbox-name-taken", $"{o.Name} already has an inbox named '{c.Name}'.");
        }
        if (o.Inboxes.Any(i => i.InboxId == c.InboxId))
        {
            return [];
        }
        return [new InboxOpened(c.OrganisationId, c.InboxId, c.Name, ServiceLevel(c.ServiceLevelWorkingDays), c.Now)];
    }

    private static IReadOnlyList<object> ChangeServiceLevel(OrganisationCommand.ChangeServiceLevel c, Known o) =>
        InboxOf(o, c.InboxId).ServiceLevelWorkingDays == ServiceLevel(c.ServiceLevelWorkingDays)
            ? []
            : [new InboxServiceLevelChanged(c.OrganisationId, c.InboxId, c.ServiceLevelWorkingDays, c.Now)];

    private static IReadOnlyList<object> ChangeDepth(OrganisationCommand.ChangeDepth c, Known o)
    {
        if (c.Depth == o.Depth)
        {
            return [];
        }
        if (c.Depth == ParticipationDepth.InformOnly && o.Inboxes.Count > 0)
        {
            throw Violation("organisation.inboxes-open", $"{o.Name} still has open inboxes; close them before it is only kept informed.");
        }
        return [new ParticipationDepthChanged(c.OrganisationId, c.Depth, c.Now)];
    }

    private static Inbox InboxOf(Known o, Guid inboxId) =>
        o.Inboxes.FirstOrDefault(i => i.InboxId == inboxId)
        ?? throw Violation("organisation.inbox-unknown", $"{o.Name} has no inbox {inboxId}.");

    private static int ServiceLevel(int workingDays) =>
        workingDays is >= 1 and <= MaxServiceLevelWorkingDays
            ? workingDays
            : throw Violation("organisation.service-level", $"A service level is 1 to {MaxServiceLevelWorkingDays} working days.");

    private static DomainRuleViolationException Violation(string rule, string message) => new(rule, message);
}

public static class OrganisationEvents
{
    public static EventTypeRegistry MapOrganisationEvents(this EventTypeRegistry events) => events
        .Map<OrganisationRegistered>("intake.organisation_registered.v1")
        .Map<InboxOpened>("intake.inbox_opened.v1")
        .Map<InboxServiceLevelChanged>("intake.inbox_service_level_changed.v1")
        .Map<InboxClosed>("intake.inbox_closed.v1")
        .Map<ParticipationDepthChanged>("intake.participation_depth_changed.v1")
        .Map<OrganisationDeactivated>("intake.organisation_deactivated.v1")
        .Map<OrganisationReactivated>("intake.organisation_reactivated.v1");
}
