using WorkCentre.EventStore;
using WorkCentre.Intake.Consents;
using WorkCentre.Intake.Handovers;
using WorkCentre.Intake.Inquiries;
using WorkCentre.Intake.Intakes;
using WorkCentre.Intake.Participants;
using WorkCentre.Messaging;

namespace WorkCentre.Intake;

/// <summary>What other services may know of intake's events: ids and non-identifying attributes only. Each area maps its own.</summary>
public sealed class IntakeIntegrationEvents : IIntegrationEventMapper
{
    public object? Map(EventEnvelope envelope) => envelope.Data switch
    {
        InquiryRegistered e => new Contracts.Intake.InquiryRegistered(e.InquiryId, e.OccurredAt, e.Channel, e.RequesterType, e.Domain, e.Municipality, e.Location),
        var data => ParticipantIntegrationEvents.Map(data) ?? ConsentIntegrationEvents.Map(data) ?? HandoverIntegrationEvents.Map(data)
            ?? IntakeAssessmentIntegrationEvents.Map(data),
    };
}
