using Npgsql;
using WorkCentre.Contracts.Intake;

namespace WorkCentre.Insights.Inquiries.RecordingInquiry;

/// <summary>Keeps the integration event in insights' own store; the summary follows inline, in the same transaction.</summary>
public sealed class InquiryRegisteredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InquiryRegisteredConsumer> logger)
    : ReceivedEventConsumer<InquiryRegistered>(dataSource, store, logger, ReceivedIntakeEvents.InquiryStreamType, m => m.InquiryId);
