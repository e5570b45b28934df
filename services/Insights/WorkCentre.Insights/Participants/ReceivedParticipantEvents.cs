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

    /// <summary>Appends the received event to the participant's stream in the inbox's transaction; the count follows inline.</summary>
    internal static async Task RecordAsync<T>(EventStore.EventStore store, ConsumeContext<T> context, Guid participantId,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
        where T : class, IIntegrationEvent
    {
        var metadata = new EventMetadata
        {
            CorrelationId = context.CorrelationId?.ToString(),
            CausationId = context.MessageId?.ToString(),
            Actor = context.Headers.Get<string>(EventForwarder.Headers.Source),
        };
        await store.OpenSession(connection, transaction, metadata)
            .AppendAny(ParticipantStreamType, participantId, context.Message)
            .SaveChangesAsync(ct);
    }
}

public sealed class ParticipantRegisteredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<ParticipantRegisteredConsumer> logger)
    : InboxBatchConsumer<ParticipantRegistered>(dataSource, logger)
{
    protected override Task HandleAsync(ConsumeContext<ParticipantRegistered> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        ReceivedParticipantEvents.RecordAsync(store, context, context.Message.ParticipantId, connection, transaction, ct);
}

public sealed class ParticipantsMergedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<ParticipantsMergedConsumer> logger)
    : InboxBatchConsumer<ParticipantsMerged>(dataSource, logger)
{
    protected override Task HandleAsync(ConsumeContext<ParticipantsMerged> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        ReceivedParticipantEvents.RecordAsync(store, context, context.Message.MergedParticipantId, connection, transaction, ct);
}

/// <summary>Insights holds nothing personal of a participant, so an erasure is only recorded (and counted); its aggregates stay.</summary>
public sealed class DataSubjectErasedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<DataSubjectErasedConsumer> logger)
    : InboxBatchConsumer<DataSubjectErased>(dataSource, logger)
{
    protected override Task HandleAsync(ConsumeContext<DataSubjectErased> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        ReceivedParticipantEvents.RecordAsync(store, context, context.Message.ParticipantId, connection, transaction, ct);
}
