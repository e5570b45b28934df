using WorkCentre.Contracts.Intake;
using WorkCentre.Intake.Handovers;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake;

/// <summary>The examples intake's OpenAPI document shows: one front desk's morning in Haarlem, so the examples fit together.</summary>
internal static class OpenApiExamples
{
    private static readonly Guid Inquiry = Guid.Parse("01937a2e-5c00-7000-8000-000000000001");
    private static readonly Guid Participant = Guid.Parse("01937a2e-5c00-7000-8000-000000000002");
    private static readonly Guid Consent = Guid.Parse("01937a2e-5c00-7000-8000-000000000003");
    private static readonly Guid Handover = Guid.Parse("01937a2e-5c00-7000-8000-000000000004");
    private static readonly Guid WorkCentre = Organisations.RegionSeed.IdOf(Organisations.RegionSeed.WorkCentre);
    private static readonly Guid Uwv = Organisations.RegionSeed.IdOf("uwv");
    private static readonly Guid WwIntake = Organisations.RegionSeed.InboxIdOf("uwv", "UWV – WW intake");
    private static readonly Guid Leerwerkloket = Organisations.RegionSeed.InboxIdOf("leerwerkloket", "Leerwerkloket – Scholingsadvies");
    private static readonly DateTimeOffset Morning = new(2026, 12, 7, 9, 12, 0, TimeSpan.Zero);

    public static readonly object RegisterInquiry = new
    {
        channel = InquiryChannel.WalkIn,
        requesterType = RequesterType.Resident,
        domain = QuestionDomain.Working,
        municipality = "Haarlem",
        location = "Werkcentrum Haarlem",
        question = "My employer announced a reorganisation; what can I do now?",
    };

    public static readonly object InquiryRegistered = new { inquiryId = Inquiry, registeredAt = Morning };

    public static readonly object RegisterParticipant = new
    {
        givenName = "Jan",
        prefix = "van der",
        familyName = "Berg",
        dateOfBirth = new DateOnly(1978, 5, 17),
        email = "jan@example.nl",
        postcode = "2011 AB",
        bsn = "111222333",
        municipality = "Haarlem",
        identitySource = "identityDocument",
        confirmNewPerson = false,
    };

    public static readonly object ParticipantRegistered = new { participantId = Participant, registeredAt = Morning };

    public static readonly object GiveConsent = new
    {
        participantId = Participant,
        purpose = ConsentPurpose.Handover,
        recipientOrganisationId = Uwv,
        legalBasis = LegalBasis.Consent,
        dataCategories = new[] { DataCategory.Contact, DataCategory.EmploymentSituation },
        collectionMethod = CollectionMethod.Written,
        expiresAt = Morning.AddYears(1),
    };

    public static readonly object ConsentGiven = new
    {
        consentId = Consent,
        participantId = Participant,
        purpose = ConsentPurpose.Handover,
        recipientOrganisationId = Uwv,
        recipientCategory = (string?)null,
        legalBasis = LegalBasis.Consent,
        dataCategories = new[] { DataCategory.Contact, DataCategory.EmploymentSituation },
        collectionMethod = CollectionMethod.Written,
        givenAt = Morning,
        expiresAt = Morning.AddYears(1),
        status = "given",
        endedAt = (DateTimeOffset?)null,
        replaces = (Guid?)null,
        replacedBy = (Guid?)null,
    };

    public static readonly object RequestHandover = new
    {
        participantId = Participant,
        toInboxId = WwIntake,
        reasonCode = HandoverReasonCode.Benefit,
        note = "Dismissal announced for 31 May; wants to apply for WW.",
        summary = new Dictionary<DataCategory, string>
        {
            [DataCategory.Contact] = "Prefers a call in the morning.",
            [DataCategory.EmploymentSituation] = "Warehouse worker, dismissal announced after a reorganisation.",
        },
    };

    public static readonly HandoverView HandoverRequested = new(
        Handover, Participant, Participant, HandoverDirection.Outbound, WorkCentre, Uwv, WwIntake, HandoverStatus.Requested, HandoverReasonCode.Benefit,
        [DataCategory.Contact, DataCategory.EmploymentSituation], Morning, Morning.AddDays(7), Morning.AddDays(28), false, null, null, null, null, null, null,
        null, null, null, 1);

    public static readonly object AcceptHandover = new { plannedFirstContact = new DateOnly(2026, 12, 9) };

    public static readonly HandoverView HandoverAccepted = HandoverRequested with
    {
        Status = HandoverStatus.Accepted,
        PlannedFirstContact = new DateOnly(2026, 12, 9),
        Version = 2,
    };

    public static readonly object DeclineHandover = new { reason = DeclineReason.WrongOrganisation, alternativeInboxId = Leerwerkloket };

    public static readonly Page<HandoverView> Inbox = new([HandoverRequested], 1, 25, 1);
}
