using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace WorkCentre.ServiceDefaults;

/// <summary>Tags for health checks. A service tags the checks that must pass before it takes traffic with <see cref="Ready"/>.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}

internal static class HealthReports
{
    /// <summary>Each check's status and duration, never its description or exception: those may name hosts or data.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }, cancellationToken: context.RequestAborted);
    }
}
