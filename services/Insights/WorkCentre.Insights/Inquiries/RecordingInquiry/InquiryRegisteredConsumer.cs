using MassTransit;
using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;
using WorkCentre.Messaging;

namespace WorkCentre.Insights.Inquiries.RecordingInquiry;

/// <summary>Keeps the integration event in insights' own store; the summary follows inline, in the same transaction.</summary>
public sealed class InquiryRegisteredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InquiryRegisteredConsumer> logger)
    : InboxBatchConsumer<InquiryRegistered>(dataSource, logger)
{
    protected override async Task HandleAsync(
        ConsumeContext<InquiryRegistered> context, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var metadata = new EventMetadata
        {
            CorrelationId = context.CorrelationId?.ToString(),
            CausationId = context.MessageId?.ToString(),
            Actor = context.Headers.Get<string>(EventForwarder.Headers.Source),
        };
        await store.OpenSession(connection, transaction, metadata)
            .AppendAny(ReceivedIntakeEvents.InquiryStreamType, context.Message.InquiryId, context.Message)
            .SaveChangesAsync(ct);
    }
}
