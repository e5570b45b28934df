using WorkCentre.EventStore;

namespace WorkCentre.Insights.Inquiries;

/// <summary>Integration events from intake, kept as they arrived under their contract's alias.</summary>
public static class ReceivedIntakeEvents
{
    public const string InquiryStreamType = "intake.inquiry";

    public static EventTypeRegistry MapReceivedIntakeEvents(this EventTypeRegistry events) =>
        events.Map<Contracts.Intake.InquiryRegistered>("intake.inquiry_registered.v1");
}
