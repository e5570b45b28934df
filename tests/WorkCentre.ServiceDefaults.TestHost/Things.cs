using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorkCentre.ServiceDefaults.TestHost;

public enum ActivityKind { Training, Coaching }

public sealed record PlanActivity(string Name, ActivityKind Kind, string? Note = null);

public sealed record PlannedActivity(Guid Id, string Name, ActivityKind Kind, string PlannedBy, string? Organisation, DateTimeOffset PlannedAt);

/// <summary>Endpoints shaped like a service's: a creating POST with validation and idempotency, a role-gated read, a failure.</summary>
public static class Things
{
    public const string ClosedProgramme = "closed-programme";

    public static void MapThings(this WebApplication app)
    {
        app.MapPost("/things", PlanAsync).RequireAuthorization(Policies.Advisor).WithIdempotency()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).WithResponseDescription(StatusCodes.Status422UnprocessableEntity, "The programme is closed.");
        // The same, for a response that may hold personal data: repeats get its status and Location only.
        app.MapPost("/things/sealed", PlanAsync).RequireAuthorization(Policies.Advisor).WithIdempotency(IdempotentReplay.StatusAndLocation)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).WithResponseDescription(StatusCodes.Status422UnprocessableEntity, "The programme is closed.");

        app.MapGet("/things/report", (ThingLedger ledger) => TypedResults.Ok(new { planned = ledger.Count }))
            .RequireAuthorization(Policies.Manager);

        app.MapGet("/things/{id}", NotFound (Guid id) => TypedResults.NotFound())
            .RequireAuthorization(Policies.Advisor);

        // Forgets RequireAuthorization, as a new endpoint might: the fallback policy must still ask for a token.
        app.MapGet("/things/unguarded", () => TypedResults.Ok(new { planned = 0 }));

        app.MapGet("/things/kinds", () => TypedResults.Ok(Enum.GetNames<ActivityKind>())).AllowAnonymous();

        // Anonymous, so the error tests need no token.
        app.MapGet("/things/boom", IResult () => throw new InvalidOperationException("BSN 123456782 leaked from the handler")).AllowAnonymous();
    }

    private static async Task<Results<Created<PlannedActivity>, ValidationProblem, ProblemHttpResult>> PlanAsync(PlanActivity command, ClaimsPrincipal user, ThingLedger ledger)
    {
        var validation = new Validation().Required("name", command.Name);
        if (!validation.IsValid)
        {
            return validation.Problem();
        }
        if (command.Name == ClosedProgramme)
        {
            return Problems.RuleViolated("programme-closed", "The programme no longer takes activities.");
        }
        var planned = await ledger.PlanAsync(command, StaffClaims.ActorOf(user), StaffClaims.OrganisationOf(user));
        return TypedResults.Created($"/things/{planned.Id}", planned);
    }
}

/// <summary>Counts what the handler did, so tests can tell whether it ran; can hold a request mid-flight.</summary>
public sealed class ThingLedger
{
    private readonly ConcurrentQueue<PlannedActivity> planned = new();
    private readonly ConcurrentDictionary<string, Hold> holds = new();

    public int Count => planned.Count;

    public int CountNamed(string name) => planned.Count(p => p.Name == name);

    /// <summary>The next request planning <paramref name="name"/> waits inside the handler until released.</summary>
    public Hold HoldNext(string name) => holds[name] = new Hold();

    public async Task<PlannedActivity> PlanAsync(PlanActivity command, string actor, string? organisation)
    {
        if (holds.TryRemove(command.Name, out var hold))
        {
            hold.Entered.SetResult();
            await hold.Released.Task;
        }
        var activity = new PlannedActivity(Guid.NewGuid(), command.Name, command.Kind, actor, organisation, DateTimeOffset.UtcNow);
        planned.Enqueue(activity);
        return activity;
    }

    public sealed class Hold
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A "ready" check the tests can fail, standing in for a service's database check.</summary>
public sealed class ReadinessSwitch : IHealthCheck
{
    public bool Healthy { get; set; } = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Healthy ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("connection refused to db.internal:5432", new InvalidOperationException("secret exception")));
}
