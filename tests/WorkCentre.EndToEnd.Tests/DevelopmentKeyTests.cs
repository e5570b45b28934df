using Microsoft.AspNetCore.Hosting;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Intake;
using WorkCentre.Privacy;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

public sealed class DevelopmentKeyTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly TestBroker _broker = new();

    public Task InitializeAsync() => Task.WhenAll(_database.InitializeAsync(), _broker.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(_database.DisposeAsync(), _broker.DisposeAsync());

    [Fact]
    public async Task Given_the_public_development_master_key_in_production_When_a_service_starts_Then_it_refuses_to()
    {
        await using var intake = new ServiceHost<IntakeEntryPoint>(_database, _broker, settings: new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = "a-production-like-signing-key-of-enough-bytes-0123",
            ["Privacy:MasterKey"] = PrivacyOptions.DevelopmentMasterKey,
        });
        await using var production = intake.WithWebHostBuilder(b => b.UseEnvironment("Production"));

        var failure = Record.Exception(() => production.CreateClient());

        Assert.NotNull(failure);
        Assert.Contains("Privacy:MasterKey is the public development key", Messages(failure), StringComparison.Ordinal);
    }

    private static string Messages(Exception? exception)
    {
        var messages = new List<string>();
        for (; exception is not null; exception = exception.InnerException)
        {
            messages.Add(exception.Message);
        }
        return string.Join(" | ", messages);
    }
}
