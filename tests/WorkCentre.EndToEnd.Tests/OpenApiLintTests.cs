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
[Collection(AllServices.Collection)]
public sealed class OpenApiLintTests(AllServices all, ITestOutputHelper output)
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

    /// <summary>The document as the running service serves it.</summary>
    private async Task<string> DocumentOfAsync(string service)
    {
        using var client = all.Services.Single(s => s.Name == service).AnonymousClient();
        return await client.GetStringAsync(OpenApiOperations.DocumentPath);
    }
}
