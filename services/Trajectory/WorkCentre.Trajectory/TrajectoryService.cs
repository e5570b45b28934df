using WorkCentre.Messaging;

namespace WorkCentre.Trajectory;

/// <summary>The trajectory service: its own database, event store and daemon; trajectories, activities, placements and follow-up checks arrive as their issues do.</summary>
public static class TrajectoryService
{
    public const string Name = "trajectory";

    public static WebApplicationBuilder AddTrajectory(this WebApplicationBuilder builder) =>
        builder.AddEventSourcing(new EventSourcingSetup(Name));

    public static WebApplication MapTrajectory(this WebApplication app) => app;
}

/// <summary>Names this service's assembly for test hosts; every service's top-level Program has the same name.</summary>
public sealed class TrajectoryEntryPoint;
