using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using WorkCentre.Messaging;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A bare service made with the platform's own wiring (<see cref="EventSourcingHost.AddEventSourcing"/>) and nothing
/// else, for what the platform does whatever the service.
/// </summary>
public static class PlatformHost
{
    public static WebApplication Build(TestDatabase database, string brokerAddress, EventSourcingSetup setup,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Events"] = database.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = brokerAddress,
        }.Concat(settings ?? new Dictionary<string, string?>()));
        builder.AddEventSourcing(setup);
        return builder.Build();
    }
}
