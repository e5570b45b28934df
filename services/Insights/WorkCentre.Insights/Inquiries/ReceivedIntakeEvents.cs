using Npgsql;
using WorkCentre.Contracts.Intake;
using WorkCentre.EventStore;

namespace WorkCentre.Insights.Inquiries;

/// <summary>Integration events from intake, kept as they arrived under their contract's alias.</summary>
public static class ReceivedIntakeEvents
{
    public const string InquiryStreamType = "intake.inquiry";

    public static EventTypeRegistry MapReceivedIntakeEvents(this EventTypeRegistry events) => events
        .Map<InquiryRegistered>("intake.inquiry_registered.v1")
        .Map<InquiryAnswered>("intake.inquiry_answered.v1")
        .Map<EmployerQuestionForwarded>("intake.employer_question_forwarded.v1")
        .Map<InquiryClosed>("intake.inquiry_closed.v1");

    /// <summary>The inquiry's later facts; one queue per contract, as the forwarder holds at a contract no queue takes.</summary>
    public static IReadOnlyList<Type> LaterFacts { get; } = [typeof(InquiryAnsweredConsumer), typeof(EmployerQuestionForwardedConsumer), typeof(InquiryClosedConsumer)];
}

public sealed class InquiryAnsweredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InquiryAnsweredConsumer> logger)
    : ReceivedEventConsumer<InquiryAnswered>(dataSource, store, logger, ReceivedIntakeEvents.InquiryStreamType, m => m.InquiryId);

public sealed class EmployerQuestionForwardedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<EmployerQuestionForwardedConsumer> logger)
    : ReceivedEventConsumer<EmployerQuestionForwarded>(dataSource, store, logger, ReceivedIntakeEvents.InquiryStreamType, m => m.InquiryId);

public sealed class InquiryClosedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InquiryClosedConsumer> logger)
    : ReceivedEventConsumer<InquiryClosed>(dataSource, store, logger, ReceivedIntakeEvents.InquiryStreamType, m => m.InquiryId);
