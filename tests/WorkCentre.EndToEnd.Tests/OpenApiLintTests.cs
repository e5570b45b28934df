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

    [Theory]
    [InlineData("RegisterInquiry", "201")]
    [InlineData("RegisterParticipant", "201")]
    [InlineData("GiveConsent", "201")]
    [InlineData("RequestHandover", "201")]
    [InlineData("AcceptHandover", "200")]
    public async Task Given_intakes_document_When_an_integrator_reads_a_front_desk_operation_Then_it_shows_an_example_request_and_answer(string operationId, string status)
    {
        using var document = System.Text.Json.JsonDocument.Parse(await DocumentOfAsync(IntakeService.Name));
        var operation = document.RootElement.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject())
            .Single(o => o.Value.TryGetProperty("operationId", out var id) && id.GetString() == operationId).Value;

        Assert.True(operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _),
            $"{operationId} should show an example request");
        Assert.True(operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty("application/json").TryGetProperty("example", out var example),
            $"{operationId} should show an example {status} answer");
        Assert.Equal(System.Text.Json.JsonValueKind.Object, example.ValueKind);
    }

    /// <summary>The document as the running service serves it.</summary>
    private async Task<string> DocumentOfAsync(string service)
    {
        using var client = all.Services.Single(s => s.Name == service).AnonymousClient();
        return await client.GetStringAsync(OpenApiOperations.DocumentPath);
    }
}
