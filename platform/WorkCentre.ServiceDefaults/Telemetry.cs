using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WorkCentre.ServiceDefaults;

/// <summary>
/// OpenTelemetry through its hosting extensions: traces from ASP.NET Core, HttpClient, Npgsql, MassTransit and our own
/// sources; metrics from the same plus the runtime; a Prometheus scrape endpoint always, OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads its protocol and headers from the OTEL_* variables).
/// </summary>
internal static class Telemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ScrapePath = "/metrics";

    /// <summary>MassTransit's and ours: WorkCentre.EventStore, WorkCentre.Messaging and each service's own.</summary>
    public static readonly string[] Sources = ["MassTransit", "WorkCentre.*"];

    public static void AddWorkCentreTelemetry(this IServiceCollection services, string serviceName)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceNamespace: "workcentre"))
            .WithTracing(tracing => tracing
                // Probes and scrapes every few seconds would bury the traces people look for.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHousekeeping(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(Sources))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(Sources)
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable)))
        {
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>Prometheus text format at <see cref="ScrapePath"/>: lag and backlogs without a collector.</summary>
    public static void MapWorkCentreMetrics(this WebApplication app) =>
        // Anonymous and unthrottled like the probes: aggregate counters only, no personal data.
        app.MapPrometheusScrapingEndpoint(ScrapePath).AllowAnonymous().DisableRateLimiting();

    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(ScrapePath);
}
