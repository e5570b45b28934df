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

public enum InquiryStatus
{
    Open,
    Answered,
    Forwarded,
    TurnedIntoIntake,
    Closed,
}

public enum InquiryOutcome
{
    AnsweredAtDesk,
    ForwardedToEmployerService,
    TurnedIntoIntake,
    ReferredElsewhere,
    NoFurtherAction,
}

/// <summary>The question was answered at the desk; the answer stays in intake.</summary>
[MessageUrn("workcentre:intake:inquiry-answered:v1")]
public sealed record InquiryAnswered(Guid InquiryId, DateTimeOffset OccurredAt) : IIntegrationEvent;

/// <summary>
/// An employer's question for the employer service point: who asked stays in intake; the service point picks it up by id
/// and with the domain and municipality to route it.
/// </summary>
[MessageUrn("workcentre:intake:employer-question-forwarded:v1")]
public sealed record EmployerQuestionForwarded(Guid InquiryId, QuestionDomain Domain, string Municipality, DateTimeOffset OccurredAt) : IIntegrationEvent;

[MessageUrn("workcentre:intake:inquiry-closed:v1")]
public sealed record InquiryClosed(Guid InquiryId, InquiryOutcome Outcome, DateTimeOffset OccurredAt) : IIntegrationEvent;
