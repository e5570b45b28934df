namespace WorkCentre.Contracts.Intake;

/// <summary>The employment situation as a graded status: not a boolean, because "employed but at risk" is where people fall between domains.</summary>
public enum EmploymentStatus
{
    Employed,
    EmployedAtRisk,
    RecentlyDismissed,
    Unemployed,
    UnderEmployed,
    InEducation,
}

/// <summary>Why an employed person is at risk.</summary>
public enum EmploymentRiskBasis
{
    Reorganisation,
    ShrinkingOccupation,
    DismissalAnnounced,
}

/// <summary>The benefit a person lives on: WW (unemployment insurance), bijstand (Participatiewet), WIA/Wajong (disability), or none.</summary>
public enum BenefitType
{
    None,
    Ww,
    Bijstand,
    WiaWajong,
}

/// <summary>A change in benefit as UWV or the municipality reports it, with the date it took effect.</summary>
public enum BenefitChangeKind
{
    WwStarted,
    WwEnded,
    BijstandStarted,
    BijstandEnded,
    WiaWajongStarted,
    WiaWajongEnded,
}

/// <summary>
/// Target groups of regional labour-market policy. <see cref="MentalHealthVulnerability"/> is health data: intake keeps it
/// encrypted and it never appears in an integration event.
/// </summary>
public enum TargetGroup
{
    YoungPerson,
    Statushouder,
    JobsAgreement,
    MentalHealthVulnerability,
    FiftyPlus,
    LongTermUnemployed,
}

public enum EligibilityOutcome
{
    Eligible,
    NotEligible,
}
