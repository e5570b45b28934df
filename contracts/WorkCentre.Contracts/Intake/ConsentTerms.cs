namespace WorkCentre.Contracts.Intake;

/// <summary>What a participant consents to: consent is purpose- and recipient-specific.</summary>
public enum ConsentPurpose
{
    /// <summary>Share the dossier summary with the recipient for a warm handover.</summary>
    Handover,

    /// <summary>Let an employer see the participant's route.</summary>
    EmployerDisclosure,

    /// <summary>Report the participant to a funder by BSN.</summary>
    FunderReportingByBsn,

    Research,
}

/// <summary>The lawful basis under the AVG (GDPR article 6) on which the data is shared.</summary>
public enum LegalBasis
{
    Consent,
    Contract,
    LegalObligation,
    PublicTask,
}

/// <summary>How the consent was collected; verbal consent needs a witness.</summary>
public enum CollectionMethod
{
    Written,
    VerbalWithWitness,
    Digital,
}

/// <summary>The parts of a dossier a consent may cover. Health is special-category data and is shared only when named.</summary>
public enum DataCategory
{
    Contact,
    EmploymentSituation,
    Benefit,
    Education,
    Language,
    TargetGroups,
    NeedsAndBarriers,
    Health,
}
