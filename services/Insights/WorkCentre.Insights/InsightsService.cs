using WorkCentre.Insights.Inquiries;
using WorkCentre.Insights.Inquiries.GettingInquirySummary;
using WorkCentre.Insights.Inquiries.RecordingInquiry;
using WorkCentre.Insights.Journeys;
using WorkCentre.Insights.Participants;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Insights;

/// <summary>
/// The insights service keeps every integration event it receives in its own store, so its read models
/// (aggregates for managers, small cells suppressed) can be rebuilt from scratch at any time.
/// </summary>
public static class InsightsService
{
    public const string Name = "insights";

    public static WebApplicationBuilder AddInsights(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new SmallCells(sp.GetRequiredService<IConfiguration>().GetValue("Insights:SmallCellThreshold", SmallCells.DefaultThreshold)));
        return builder.AddEventSourcing(new EventSourcingSetup(Name)
        {
            Events = events => events.MapReceivedIntakeEvents().MapReceivedParticipantEvents().MapReceivedJourneyEvents().MapReceivedAssessmentEvents(),
            InlineProjections = [typeof(InquirySummaryProjection), typeof(ParticipantCountProjection), typeof(HandoverFlowProjection)],
            // One consumer per contract intake publishes: the forwarder publishes as mandatory and holds at a contract no queue takes.
            Consumers =
            [
                typeof(InquiryRegisteredConsumer), typeof(ParticipantRegisteredConsumer), typeof(ParticipantsMergedConsumer), typeof(DataSubjectErasedConsumer),
                .. ReceivedIntakeEvents.LaterFacts,
                .. ReceivedJourneyEvents.Consumers,
                .. ReceivedAssessmentEvents.Consumers,
            ],
        });
    }

    public static WebApplication MapInsights(this WebApplication app)
    {
        app.MapGroup("/inquiries").WithTag("Inquiries", "Aggregates of the inquiries registered at intake, for managers.").MapGetInquirySummary();
        return app;
    }
}

/// <summary>Counts under the threshold are withheld: managers see aggregates, never individuals.</summary>
public sealed record SmallCells(int Threshold)
{
    public const int DefaultThreshold = 5;

    public long? Show(long count) => count < Threshold ? null : count;
}

/// <summary>Names this service's assembly for test hosts; every service's top-level Program has the same name.</summary>
public sealed class InsightsEntryPoint;
