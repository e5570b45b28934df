using MassTransit;

namespace WorkCentre.Contracts.Intake;

public enum InquiryChannel
{
    WalkIn,
    Phone,
    Online,
    Outreach,
    PartnerReferral,
}

public enum RequesterType
{
    Resident,
    Employer,
    Professional,
}

public enum QuestionDomain
{
    Learning,
    Working,
    Career,
}

/// <summary>A question came in at one of the partners' desks. The question text itself stays in intake.</summary>
[MessageUrn("workcentre:intake:inquiry-registered:v1")]
public sealed record InquiryRegistered(
    Guid InquiryId,
    DateTimeOffset OccurredAt,
    InquiryChannel Channel,
    RequesterType RequesterType,
    QuestionDomain Domain,
    string Municipality,
    string Location) : IIntegrationEvent;
