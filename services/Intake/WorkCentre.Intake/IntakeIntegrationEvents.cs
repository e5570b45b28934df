using WorkCentre.EventStore;
using WorkCentre.Intake.Consents;
using WorkCentre.Intake.Handovers;
using WorkCentre.Intake.InformationSessions;
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
        InquiryAnswered e => new Contracts.Intake.InquiryAnswered(e.InquiryId, e.OccurredAt),
        InquiryForwardedToEmployerService e => new Contracts.Intake.EmployerQuestionForwarded(e.InquiryId, e.Domain, e.Municipality, e.OccurredAt),
        InquiryClosed e => new Contracts.Intake.InquiryClosed(e.InquiryId, e.Outcome, e.OccurredAt),
        InformationSessionHeld e => new Contracts.Intake.InformationSessionHeld(e.SessionId, e.Programme, e.Municipality, e.HeldOn, e.Headcount, e.OccurredAt),
        InformationSessionHeadcountCorrected e => new Contracts.Intake.InformationSessionHeadcountCorrected(e.SessionId, e.Headcount, e.OccurredAt),
        var data => ParticipantIntegrationEvents.Map(data) ?? ConsentIntegrationEvents.Map(data) ?? HandoverIntegrationEvents.Map(data)
            ?? IntakeAssessmentIntegrationEvents.Map(data),
    };
}
