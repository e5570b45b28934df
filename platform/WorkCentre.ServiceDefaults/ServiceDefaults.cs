using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WorkCentre.ServiceDefaults.Idempotency;

namespace WorkCentre.ServiceDefaults;

/// <summary>What every WorkCentre service shares: health, telemetry, problem details, auth, JSON, OpenAPI, limits.</summary>
public static class ServiceDefaultsExtensions
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        var services = builder.Services;

        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // "Request starting/finished" lines carry the query string, which may hold personal data.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        // The framework's per-request lines (endpoint executing/executed, result written) cost more than the request
        // they describe at a thousand a second; traces and metrics carry that, logs keep what an operator acts on.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        services.AddWorkCentreTelemetry(serviceName);

        services.ConfigureHttpJsonOptions(o =>
        {
            var json = o.SerializerOptions;
            json.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            // camelCase names only, like the properties: a number for an enum would let values no one defined into the streams.
            json.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            // A missing or null non-nullable field is the client's 400, not a null inside a handler.
            json.RespectNullableAnnotations = true;
            json.RespectRequiredConstructorParameters = true;
        });
        // Binding failures become exceptions so RequestExceptionHandler can say which field is wrong.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemTypes.Customize);
        services.AddExceptionHandler<RequestExceptionHandler>();

        services.AddWorkCentreAuth();
        services.AddWorkCentreRateLimits();
        services.AddHealthChecks();
        services.AddSingleton<IdempotencyStore>();
        services.AddWorkCentreOpenApi(serviceName);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty error responses (401/403 challenges, 404, 405, bare status results) get a problem body.
        app.UseStatusCodePages();
        // Routing first so the middleware below can read the endpoint's size limit and idempotency marker.
        app.UseRouting();
        app.UseMiddleware<RequestSizeLimit>();
        app.UseAuthentication();
        // Before authorization, so that a flood of rejected tokens is limited too.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();

        // Probes are anonymous and never throttled: a throttled probe would restart a healthy pod.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReports.WriteAsync })
            .AllowAnonymous().DisableRateLimiting();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = HealthReports.WriteAsync })
            .AllowAnonymous().DisableRateLimiting();
        app.MapWorkCentreOpenApi();
        app.MapWorkCentreMetrics();
        return app;
    }
}
