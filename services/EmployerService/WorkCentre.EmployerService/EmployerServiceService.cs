using WorkCentre.Messaging;

namespace WorkCentre.EmployerService;

/// <summary>The employer-service service: its own database, event store and daemon; employers, vacancies, opportunities and agreements arrive as their issues do.</summary>
public static class EmployerServiceService
{
    public const string Name = "employer-service";

    public static WebApplicationBuilder AddEmployerService(this WebApplicationBuilder builder) =>
        builder.AddEventSourcing(new EventSourcingSetup(Name));

    public static WebApplication MapEmployerService(this WebApplication app) => app;
}

/// <summary>Names this service's assembly for test hosts; every service's top-level Program has the same name.</summary>
public sealed class EmployerServiceEntryPoint;
