using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;

namespace WorkCentre.Insights.Journeys;

/// <summary>Intake's consent and warm-handover events, kept as they arrived: ids, codes and dates only.</summary>
public static class ReceivedJourneyEvents
{
    public const string ConsentStreamType = "intake.consent";
    public const string HandoverStreamType = "intake.handover";

    public static EventTypeRegistry MapReceivedJourneyEvents(this EventTypeRegistry events) => events
        .Map<ConsentGiven>("intake.consent_given.v1")
        .Map<ConsentWithdrawn>("intake.consent_withdrawn.v1")
        .Map<ConsentExpired>("intake.consent_expired.v1")
        .Map<HandoverRequested>("intake.handover_requested.v1")
        .Map<HandoverAccepted>("intake.handover_accepted.v1")
        .Map<HandoverDeclined>("intake.handover_declined.v1")
        .Map<HandoverWithdrawn>("intake.handover_withdrawn.v1")
        .Map<HandoverFirstContactConfirmed>("intake.handover_first_contact_confirmed.v1")
        .Map<HandoverStalled>("intake.handover_stalled.v1")
        .Map<HandoverExpired>("intake.handover_expired.v1")
        .Map<HandoverClosed>("intake.handover_closed.v1");

    /// <summary>One consumer (and queue) per contract intake publishes: the forwarder publishes as mandatory and holds at a contract no queue takes.</summary>
    public static IReadOnlyList<Type> Consumers { get; } =
    [
        typeof(ConsentGivenConsumer), typeof(ConsentWithdrawnConsumer), typeof(ConsentExpiredConsumer), typeof(HandoverRequestedConsumer),
        typeof(HandoverAcceptedConsumer), typeof(HandoverDeclinedConsumer), typeof(HandoverWithdrawnConsumer), typeof(HandoverFirstContactConsumer),
        typeof(HandoverStalledConsumer), typeof(HandoverExpiredConsumer), typeof(HandoverClosedConsumer),
    ];
}

public sealed class ConsentGivenConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<ConsentGivenConsumer> logger)
    : ReceivedEventConsumer<ConsentGiven>(dataSource, store, logger, ReceivedJourneyEvents.ConsentStreamType, m => m.ConsentId);

public sealed class ConsentWithdrawnConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<ConsentWithdrawnConsumer> logger)
    : ReceivedEventConsumer<ConsentWithdrawn>(dataSource, store, logger, ReceivedJourneyEvents.ConsentStreamType, m => m.ConsentId);

public sealed class ConsentExpiredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<ConsentExpiredConsumer> logger)
    : ReceivedEventConsumer<ConsentExpired>(dataSource, store, logger, ReceivedJourneyEvents.ConsentStreamType, m => m.ConsentId);

public sealed class HandoverRequestedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverRequestedConsumer> logger)
    : ReceivedEventConsumer<HandoverRequested>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);

public sealed class HandoverAcceptedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverAcceptedConsumer> logger)
    : ReceivedEventConsumer<HandoverAccepted>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);

public sealed class HandoverDeclinedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverDeclinedConsumer> logger)
    : ReceivedEventConsumer<HandoverDeclined>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);

public sealed class HandoverWithdrawnConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverWithdrawnConsumer> logger)
    : ReceivedEventConsumer<HandoverWithdrawn>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);

public sealed class HandoverFirstContactConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverFirstContactConsumer> logger)
    : ReceivedEventConsumer<HandoverFirstContactConfirmed>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);

public sealed class HandoverStalledConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverStalledConsumer> logger)
    : ReceivedEventConsumer<HandoverStalled>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);

public sealed class HandoverExpiredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverExpiredConsumer> logger)
    : ReceivedEventConsumer<HandoverExpired>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);

public sealed class HandoverClosedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<HandoverClosedConsumer> logger)
    : ReceivedEventConsumer<HandoverClosed>(dataSource, store, logger, ReceivedJourneyEvents.HandoverStreamType, m => m.HandoverId);
