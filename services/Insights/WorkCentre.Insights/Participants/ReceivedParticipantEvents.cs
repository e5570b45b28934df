using MassTransit;
using Npgsql;
using WorkCentre.Contracts;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Messaging;

namespace WorkCentre.Insights.Participants;

/// <summary>Intake's participant events, kept as they arrived under their contract's alias: ids, age bands and municipalities only.</summary>
public static class ReceivedParticipantEvents
{
    public const string ParticipantStreamType = "intake.participant";

    public static EventTypeRegistry MapReceivedParticipantEvents(this EventTypeRegistry events) => events
        .Map<ParticipantRegistered>("intake.participant_registered.v1")
        .Map<ParticipantsMerged>("intake.participants_merged.v1")
        .Map<DataSubjectErased>("intake.data_subject_erased.v1");
}

public sealed class ParticipantRegisteredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<ParticipantRegisteredConsumer> logger)
    : ReceivedEventConsumer<ParticipantRegistered>(dataSource, store, logger, ReceivedParticipantEvents.ParticipantStreamType, m => m.ParticipantId);

public sealed class ParticipantsMergedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<ParticipantsMergedConsumer> logger)
    : ReceivedEventConsumer<ParticipantsMerged>(dataSource, store, logger, ReceivedParticipantEvents.ParticipantStreamType, m => m.MergedParticipantId);

/// <summary>Insights holds nothing personal of a participant, so an erasure is only recorded (and counted); its aggregates stay.</summary>
public sealed class DataSubjectErasedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<DataSubjectErasedConsumer> logger)
    : ReceivedEventConsumer<DataSubjectErased>(dataSource, store, logger, ReceivedParticipantEvents.ParticipantStreamType, m => m.ParticipantId);
