using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;

namespace WorkCentre.Insights.Journeys;

/// <summary>Intake's assessment events (intake completed, benefit changed, eligibility decided), kept as they arrived: codes, grades and dates only.</summary>
public static class ReceivedAssessmentEvents
{
    public const string IntakeStreamType = "intake.intake";

    public static EventTypeRegistry MapReceivedAssessmentEvents(this EventTypeRegistry events) => events
        .Map<IntakeCompleted>("intake.intake_completed.v1")
        .Map<BenefitChanged>("intake.benefit_changed.v1")
        .Map<EligibilityDecided>("intake.eligibility_decided.v1");

    /// <summary>One consumer (and queue) per contract intake publishes: the forwarder publishes as mandatory and holds at a contract no queue takes.</summary>
    public static IReadOnlyList<Type> Consumers { get; } = [typeof(IntakeCompletedConsumer), typeof(BenefitChangedConsumer), typeof(EligibilityDecidedConsumer)];
}

public sealed class IntakeCompletedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<IntakeCompletedConsumer> logger)
    : ReceivedEventConsumer<IntakeCompleted>(dataSource, store, logger, ReceivedAssessmentEvents.IntakeStreamType, m => m.IntakeId);

public sealed class BenefitChangedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<BenefitChangedConsumer> logger)
    : ReceivedEventConsumer<BenefitChanged>(dataSource, store, logger, ReceivedAssessmentEvents.IntakeStreamType, m => m.IntakeId);

public sealed class EligibilityDecidedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<EligibilityDecidedConsumer> logger)
    : ReceivedEventConsumer<EligibilityDecided>(dataSource, store, logger, ReceivedAssessmentEvents.IntakeStreamType, m => m.IntakeId);
