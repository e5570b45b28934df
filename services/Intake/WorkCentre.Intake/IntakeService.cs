using WorkCentre.Intake.Inquiries;
using WorkCentre.Intake.Inquiries.GettingInquiry;
using WorkCentre.Intake.Inquiries.RegisteringInquiry;
using WorkCentre.Intake.Organisations;
using WorkCentre.Intake.Participants;
using WorkCentre.Intake.Participants.ErasingParticipant;
using WorkCentre.Intake.Participants.GettingParticipant;
using WorkCentre.Intake.Participants.ListingReads;
using WorkCentre.Intake.Participants.MergingParticipants;
using WorkCentre.Intake.Participants.RegisteringParticipant;
using WorkCentre.Messaging;
using WorkCentre.ServiceDefaults;

namespace WorkCentre.Intake;

/// <summary>The intake service: inquiries now; participants, consent and warm handovers as they arrive.</summary>
public static class IntakeService
{
    public const string Name = "intake";

    public static WebApplicationBuilder AddIntake(this WebApplicationBuilder builder) =>
        builder.AddEventSourcing(new EventSourcingSetup(Name)
        {
            Events = events => events.MapInquiryEvents().MapOrganisationEvents().MapParticipantEvents(),
            InlineProjections = [typeof(ParticipantMatchKeys)],
            IntegrationEvents = typeof(IntakeIntegrationEvents),
        });

    public static WebApplication MapIntake(this WebApplication app)
    {
        var inquiries = app.MapGroup("/inquiries").WithTag("Inquiries", "Questions asked at any partner's desk: \"no wrong door\".");
        inquiries.MapRegisterInquiry();
        inquiries.MapGetInquiry();
        var participants = app.MapGroup("/participants").WithTag("Participants",
            "People registered at intake under a pseudonymous id: personal data read for a stated purpose and audited, duplicates merged, erasure on request.");
        participants.MapRegisterParticipant();
        participants.MapGetParticipant();
        participants.MapMergeParticipant();
        participants.MapEraseParticipant();
        participants.MapListParticipantReads();
        return app;
    }
}

/// <summary>Names this service's assembly for test hosts; every service's top-level Program has the same name.</summary>
public sealed class IntakeEntryPoint;
