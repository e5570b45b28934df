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
        .Map<InquiryClosed>("intake.inquiry_closed.v1")
        .Map<InformationSessionHeld>("intake.information_session_held.v1")
        .Map<InformationSessionHeadcountCorrected>("intake.information_session_headcount_corrected.v1");

    public const string InformationSessionStreamType = "intake.information_session";

    /// <summary>The inquiry's later facts and the information sessions; one queue per contract, as the forwarder holds at a contract no queue takes.</summary>
    public static IReadOnlyList<Type> LaterFacts { get; } =
    [
        typeof(InquiryAnsweredConsumer), typeof(EmployerQuestionForwardedConsumer), typeof(InquiryClosedConsumer),
        typeof(InformationSessionHeldConsumer), typeof(InformationSessionHeadcountCorrectedConsumer),
    ];
}

public sealed class InquiryAnsweredConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InquiryAnsweredConsumer> logger)
    : ReceivedEventConsumer<InquiryAnswered>(dataSource, store, logger, ReceivedIntakeEvents.InquiryStreamType, m => m.InquiryId);

public sealed class EmployerQuestionForwardedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<EmployerQuestionForwardedConsumer> logger)
    : ReceivedEventConsumer<EmployerQuestionForwarded>(dataSource, store, logger, ReceivedIntakeEvents.InquiryStreamType, m => m.InquiryId);

public sealed class InquiryClosedConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InquiryClosedConsumer> logger)
    : ReceivedEventConsumer<InquiryClosed>(dataSource, store, logger, ReceivedIntakeEvents.InquiryStreamType, m => m.InquiryId);

public sealed class InformationSessionHeldConsumer(NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InformationSessionHeldConsumer> logger)
    : ReceivedEventConsumer<InformationSessionHeld>(dataSource, store, logger, ReceivedIntakeEvents.InformationSessionStreamType, m => m.SessionId);

public sealed class InformationSessionHeadcountCorrectedConsumer(
    NpgsqlDataSource dataSource, EventStore.EventStore store, ILogger<InformationSessionHeadcountCorrectedConsumer> logger)
    : ReceivedEventConsumer<InformationSessionHeadcountCorrected>(dataSource, store, logger, ReceivedIntakeEvents.InformationSessionStreamType, m => m.SessionId);
