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
        var response = await api.Host.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("WorkCentre testhost", document.GetProperty("info").GetProperty("title").GetString());
        var post = document.GetProperty("paths").GetProperty("/things").GetProperty("post");
        Assert.Contains(post.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == IdempotencyKeys.Header);
        Assert.Contains("\"coaching\"", document.ToString(), StringComparison.Ordinal);
    }
}
