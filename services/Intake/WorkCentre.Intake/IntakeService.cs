using WorkCentre.Intake.Campaigns;
using WorkCentre.Intake.Consents;
using WorkCentre.Intake.Consents.RecordingConsent;
using WorkCentre.Intake.Handovers;
using WorkCentre.Intake.Handovers.AnsweringHandover;
using WorkCentre.Intake.Handovers.ListingHandovers;
using WorkCentre.Intake.Handovers.ReadingSummary;
using WorkCentre.Intake.Handovers.RequestingHandover;
using WorkCentre.Intake.InformationSessions;
using WorkCentre.Intake.Inquiries;
using WorkCentre.Intake.Inquiries.GettingInquiry;
using WorkCentre.Intake.Inquiries.HandlingInquiry;
using WorkCentre.Intake.Inquiries.ListingInquiries;
using WorkCentre.Intake.Inquiries.RegisteringInquiry;
using WorkCentre.Intake.Intakes;
using WorkCentre.Intake.Organisations;
using WorkCentre.Intake.Organisations.ChangingOrganisation;
using WorkCentre.Intake.Organisations.ListingOrganisations;
using WorkCentre.Intake.Organisations.RegisteringOrganisation;
using WorkCentre.Intake.Participants;
using WorkCentre.Intake.Participants.ErasingParticipant;
using WorkCentre.Intake.Participants.GettingParticipant;
using WorkCentre.Intake.Participants.ListingReads;
using WorkCentre.Intake.Participants.MergingParticipants;
using WorkCentre.Intake.Participants.RegisteringParticipant;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake;

/// <summary>The intake service: the front door. Inquiries, partner organisations, participants, consent and warm handovers.</summary>
public static class IntakeService
{
    public const string Name = "intake";

    public static WebApplicationBuilder AddIntake(this WebApplicationBuilder builder)
    {
        builder.AddEventSourcing(new EventSourcingSetup(Name)
        {
            Events = events => events.MapInquiryEvents().MapOrganisationEvents().MapParticipantEvents().MapConsentEvents().MapHandoverEvents()
                .MapIntakeAssessmentEvents().MapInformationSessionEvents().MapCampaignEvents(),
            InlineProjections =
            [
                typeof(OrganisationDirectory), typeof(InquiryLog), typeof(ParticipantMatchKeys), typeof(ConsentRegister), typeof(HandoverBoard),
                typeof(InformationSessionTable), typeof(CampaignProgress),
            ],
            TimerHandlers = [typeof(ConsentExpiry), typeof(HandoverClocks)],
            IntegrationEvents = typeof(IntakeIntegrationEvents),
            Consumers = [typeof(RedundancyAnnouncedConsumer)],
        });
        // After the platform's schema: the seed writes through the directory's tables.
        builder.Services.AddHostedService<RegionSeed>();
        return builder;
    }

    public static WebApplication MapIntake(this WebApplication app)
    {
        var inquiries = app.MapGroup("/inquiries").WithTag("Inquiries", "Questions asked at any partner's desk: \"no wrong door\".");
        inquiries.MapRegisterInquiry();
        inquiries.MapGetInquiry();
        inquiries.MapListInquiries();
        inquiries.MapInquiryCommands();

        var participants = app.MapGroup("/participants").WithTag("Participants",
            "People registered at intake under a pseudonymous id: personal data read for a stated purpose and audited, duplicates merged, erasure on request.");
        participants.MapRegisterParticipant();
        participants.MapGetParticipant();
        participants.MapMergeParticipant();
        participants.MapEraseParticipant();
        participants.MapListParticipantReads();

        app.MapGroup("/campaigns")
            .WithTag("Campaigns", "Bulk-intake campaigns opened when an employer announces redundancies, with the inquiries and participants linked to each.")
            .MapCampaigns();

        app.MapGroup("/information-sessions")
            .WithTag("Information sessions", "Group information sessions per programme, recorded as a headcount without personal data.")
            .MapInformationSessions();

        var organisations = app.MapGroup("/organisations")
            .WithTag("Organisations", "The partner organisations, their inboxes for warm handovers and the service level of each, kept by admins.");
        organisations.MapListOrganisations();
        organisations.MapRegisterOrganisation();
        organisations.MapChangeOrganisation();

        app.MapGroup("/consents")
            .WithTag("Consents", "A participant's consent per purpose and recipient: given, withdrawn, expired, renewed or corrected, never edited.")
            .MapConsents();

        var handovers = app.MapGroup("/handovers")
            .WithTag("Handovers", "Warm handovers to an organisation's inbox: requested, accepted or declined with an alternative, first contact, closed.");
        handovers.MapRequestHandover();
        handovers.MapAnswerHandover();
        handovers.MapListHandovers();
        handovers.MapReadHandoverSummary();

        app.MapGroup("/intakes")
            .WithTag("Intakes", "A participant's intake: situation, benefit, target groups and needs; benefit changes from UWV; eligibility decided per route.")
            .MapIntakes();
        return app;
    }
}

/// <summary>Names this service's assembly for test hosts; every service's top-level Program has the same name.</summary>
public sealed class IntakeEntryPoint;
