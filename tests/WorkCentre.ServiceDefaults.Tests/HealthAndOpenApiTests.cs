using System.Net;
using System.Text.Json;
using WorkCentre.ServiceDefaults.TestHost;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;

namespace WorkCentre.ServiceDefaults.Tests;

public sealed class HealthAndOpenApiTests(TestApi api) : IClassFixture<TestApi>
{
    private ReadinessSwitch Readiness => (ReadinessSwitch)api.Host.Services.GetService(typeof(ReadinessSwitch))!;

    [Fact]
    public async Task Given_a_failing_ready_check_When_probing_Then_live_is_200_and_ready_is_503_without_its_exception()
    {
        Readiness.Healthy = false;
        try
        {
            var client = api.Host.CreateClient();
            var live = await client.GetAsync("/health/live");
            var ready = await client.GetAsync("/health/ready");

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var body = await ready.Content.ReadAsStringAsync();
            var check = JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray().Single();
            Assert.Equal("database", check.GetProperty("name").GetString());
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
            Assert.DoesNotContain("db.internal", body, StringComparison.Ordinal);
        }
        finally
        {
            Readiness.Healthy = true;
        }
    }

    [Fact]
    public async Task Given_healthy_ready_checks_When_probing_anonymously_Then_both_are_200()
    {
        var client = api.Host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Given_the_service_When_fetching_its_openapi_document_anonymously_Then_it_describes_the_endpoints()
    {
        var document = await DocumentAsync();

        Assert.Equal("WorkCentre testhost", document.GetProperty("info").GetProperty("title").GetString());
        Assert.True(document.GetProperty("info").TryGetProperty("license", out _), "the document names its licence");
        var post = document.GetProperty("paths").GetProperty("/things").GetProperty("post");
        Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == IdempotencyKeys.Header);
        Assert.Contains("\"coaching\"", document.ToString(), StringComparison.Ordinal);
        Assert.All(document.GetProperty("servers").EnumerateArray(), s => Assert.False(s.GetProperty("url").GetString()!.EndsWith('/')));
    }

    [Fact]
    public async Task Given_endpoints_that_require_a_role_When_documented_Then_they_require_the_bearer_scheme_and_name_the_role()
    {
        var document = await DocumentAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(OpenApiDocumentation.BearerScheme);
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var report = Operation(document, "/things/report", "get");
        Assert.Equal([OpenApiDocumentation.BearerScheme], report.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject()).Select(r => r.Name));
        Assert.Contains("manager or admin", report.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["200", "401", "403", "429", "500"], Statuses(report).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Given_an_anonymous_endpoint_When_documented_Then_it_says_no_authentication_and_no_401_or_403()
    {
        var document = await DocumentAsync();

        var kinds = Operation(document, "/things/kinds", "get");
        var requirement = Assert.Single(kinds.GetProperty("security").EnumerateArray());
        Assert.Empty(requirement.EnumerateObject());
        Assert.DoesNotContain("401", Statuses(kinds));
        Assert.DoesNotContain("403", Statuses(kinds));
    }

    [Fact]
    public async Task Given_a_creating_idempotent_endpoint_When_documented_Then_every_status_it_and_the_platform_answer_is_there_as_problem_details()
    {
        var document = await DocumentAsync();

        var post = Operation(document, "/things", "post");
        Assert.Equal(["201", "400", "401", "403", "409", "413", "415", "422", "429", "500"], Statuses(post).Order(StringComparer.Ordinal));
        Assert.Equal("#/components/schemas/PlannedActivity", Schema(Response(document, post, "201"), "application/json"));
        Assert.Equal("#/components/schemas/HttpValidationProblemDetails", Schema(Response(document, post, "400"), OpenApiDocumentation.ProblemContentType));
        foreach (var status in new[] { "401", "403", "409", "413", "415", "422", "429", "500" })
        {
            Assert.Equal("#/components/schemas/ProblemDetails", Schema(Response(document, post, status), OpenApiDocumentation.ProblemContentType));
        }
        var conflict = Response(document, post, "422").GetProperty("description").GetString();
        Assert.Contains("programme is closed", conflict, StringComparison.Ordinal);
        Assert.Contains("Idempotency-Key", conflict, StringComparison.Ordinal);
        Assert.True(Response(document, post, "429").GetProperty("headers").TryGetProperty("Retry-After", out _));
    }

    [Fact]
    public async Task Given_a_read_by_id_When_documented_Then_an_unreadable_id_is_400_and_a_missing_thing_404_problem()
    {
        var document = await DocumentAsync();

        var get = Operation(document, "/things/{id}", "get");
        Assert.Equal(["400", "401", "403", "404", "429", "500"], Statuses(get).Order(StringComparer.Ordinal));
        Assert.Equal("#/components/schemas/ProblemDetails", Schema(Response(document, get, "404"), OpenApiDocumentation.ProblemContentType));
    }

    private async Task<JsonElement> DocumentAsync()
    {
        var response = await api.Host.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static JsonElement Operation(JsonElement document, string path, string method) =>
        document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static List<string> Statuses(JsonElement operation) =>
        operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();

    /// <summary>The response for a status, following a reference to a shared one.</summary>
    private static JsonElement Response(JsonElement document, JsonElement operation, string status)
    {
        var response = operation.GetProperty("responses").GetProperty(status);
        return response.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("responses").GetProperty(reference.GetString()!.Split('/')[^1])
            : response;
    }

    private static string? Schema(JsonElement response, string contentType) =>
        response.GetProperty("content").GetProperty(contentType).GetProperty("schema").GetProperty("$ref").GetString();
}
