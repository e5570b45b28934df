using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WorkCentre.ServiceDefaults;

/// <summary>
/// OpenTelemetry wired on the SDK directly (the hosting extensions are not in the registry): the providers
/// are container singletons, so the host disposes (and flushes) them on shutdown, and are created by a
/// hosted service at start so that they listen before the first request arrives.
/// </summary>
internal static class Telemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static readonly string[] Sources = ["Microsoft.AspNetCore", "MassTransit", "Npgsql", "WorkCentre.*"];
    public static readonly string[] Meters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "MassTransit", "Npgsql", "WorkCentre.*"];

    public static void AddWorkCentreTelemetry(this IServiceCollection services, string serviceName)
    {
        // The exporter reads its endpoint, protocol and headers from the OTEL_* variables itself.
        var export = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpEndpointVariable));
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName, serviceNamespace: "workcentre");
        services.AddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Sources);
            return (export ? tracing.AddOtlpExporter() : tracing).Build()!;
        });
        services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters);
            return (export ? metrics.AddOtlpExporter() : metrics).Build()!;
        });
        services.AddHostedService<TelemetryStart>();
    }

    private sealed class TelemetryStart(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracing.ForceFlush(5000);
            metrics.ForceFlush(5000);
            return Task.CompletedTask;
        }
    }
}
