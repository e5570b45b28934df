namespace WorkCentre.Contracts.Intake;

/// <summary>Which way a handover goes: from the work centre out, a partner referring in, or a hand-back at a trajectory's end.</summary>
public enum HandoverDirection
{
    Outbound,
    InboundReferral,
    HandBack,
}

public enum HandoverStatus
{
    Requested,
    Accepted,
    Declined,
    Withdrawn,
    FirstContactConfirmed,
    Closed,
    Expired,
    Rerouted,
}

/// <summary>Why a participant is handed over, as counted per partner.</summary>
public enum HandoverReasonCode
{
    Benefit,
    JobSearch,
    Training,
    LearnWorkRoute,
    YouthSupport,
    JobToJob,
    MentalHealthSupport,
    EmployerQuestion,
    Other,
}

public enum DeclineReason
{
    NotEligible,
    NoCapacity,
    WrongOrganisation,
    ParticipantUnreachable,
    ParticipantDeclined,
    Other,
}

public enum HandoverOutcome
{
    TrajectoryStarted,
    Placed,
    NoFurtherHelpNeeded,
    ParticipantWithdrew,
    HandedOnElsewhere,
}
