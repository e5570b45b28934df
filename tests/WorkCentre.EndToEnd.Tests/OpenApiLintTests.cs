using WorkCentre.EmployerService;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Insights;
using WorkCentre.Intake;
using WorkCentre.Matching;
using WorkCentre.Testing;
using WorkCentre.Trajectory;
using Xunit.Abstractions;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>Every service's OpenAPI document passes Redocly's recommended rules: what partners integrate from stays sound.</summary>
public sealed class OpenApiLintTests(TestBroker broker, ITestOutputHelper output) : IClassFixture<TestBroker>
{
    public static TheoryData<string> Services =>
        [IntakeService.Name, TrajectoryService.Name, MatchingService.Name, EmployerServiceService.Name, InsightsService.Name];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Given_a_service_When_redocly_lints_its_openapi_document_with_the_recommended_rules_Then_it_finds_no_errors(string service)
    {
        var file = Path.Combine(Path.GetTempPath(), $"workcentre-{service}-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, await DocumentOfAsync(service));
        try
        {
            var (exitCode, lint) = await Redocly.LintAsync(file);

            output.WriteLine(lint);
            Assert.True(exitCode == 0, $"redocly lint found errors in {service}'s OpenAPI document (exit {exitCode}):\n{lint}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private Task<string> DocumentOfAsync(string service) => service switch
    {
        IntakeService.Name => DocumentOfAsync<IntakeEntryPoint>(),
        TrajectoryService.Name => DocumentOfAsync<TrajectoryEntryPoint>(),
        MatchingService.Name => DocumentOfAsync<MatchingEntryPoint>(),
        EmployerServiceService.Name => DocumentOfAsync<EmployerServiceEntryPoint>(),
        InsightsService.Name => DocumentOfAsync<InsightsEntryPoint>(),
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "not a WorkCentre service"),
    };

    /// <summary>The document as the running service serves it, on a database of its own.</summary>
    private async Task<string> DocumentOfAsync<TEntryPoint>() where TEntryPoint : class
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        try
        {
            await using var host = new ServiceHost<TEntryPoint>(database, broker);
            using var client = host.CreateClient();
            return await client.GetStringAsync(OpenApiOperations.DocumentPath);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
