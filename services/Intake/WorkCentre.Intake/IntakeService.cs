using WorkCentre.Intake.Inquiries;
using WorkCentre.Intake.Inquiries.GettingInquiry;
using WorkCentre.Intake.Inquiries.RegisteringInquiry;
using WorkCentre.Intake.Organisations;
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
            Events = events => events.MapInquiryEvents().MapOrganisationEvents(),
            IntegrationEvents = typeof(IntakeIntegrationEvents),
        });

    public static WebApplication MapIntake(this WebApplication app)
    {
        var inquiries = app.MapGroup("/inquiries").WithTag("Inquiries", "Questions asked at any partner's desk: \"no wrong door\".");
        inquiries.MapRegisterInquiry();
        inquiries.MapGetInquiry();
        return app;
    }
}

/// <summary>Names this service's assembly for test hosts; every service's top-level Program has the same name.</summary>
public sealed class IntakeEntryPoint;
