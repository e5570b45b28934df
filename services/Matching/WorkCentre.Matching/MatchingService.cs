using WorkCentre.Messaging;

namespace WorkCentre.Matching;

/// <summary>The matching service: its own database, event store and daemon; candidate profiles, vacancy copies, match suggestions and proposals arrive as their issues do.</summary>
public static class MatchingService
{
    public const string Name = "matching";

    public static WebApplicationBuilder AddMatching(this WebApplicationBuilder builder) =>
        builder.AddEventSourcing(new EventSourcingSetup(Name));

    public static WebApplication MapMatching(this WebApplication app) => app;
}

/// <summary>Names this service's assembly for test hosts; every service's top-level Program has the same name.</summary>
public sealed class MatchingEntryPoint;
