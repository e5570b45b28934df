using System.Net;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;

namespace WorkCentre.ServiceDefaults.Tests;

/// <summary>Scalar's API reference over the OpenAPI document: on in Development or when configured, off otherwise.</summary>
public sealed class ApiReferenceTests
{
    private const string Reference = "/scalar/v1";

    [Fact]
    public async Task Given_the_reference_switched_on_When_an_integrator_opens_it_anonymously_Then_it_is_scalar_over_the_services_document()
    {
        await using var host = new ServiceHost(settings: new Dictionary<string, string?> { [OpenApiDocumentation.ReferenceSetting] = "true" });

        var response = await host.CreateClient().GetAsync(Reference);

        var page = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);
        Assert.Contains("WorkCentre testhost API", page, StringComparison.Ordinal);
        Assert.Contains("\"telemetry\":false", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_development_When_the_reference_is_opened_Then_it_is_served()
    {
        await using var host = new ServiceHost(environment: "Development");

        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync(Reference)).StatusCode);
    }

    [Theory]
    [InlineData("Testing", null)]
    [InlineData("Production", null)]
    [InlineData("Development", "false")]
    public async Task Given_the_reference_not_switched_on_When_staff_open_it_Then_404(string environment, string? setting)
    {
        // Production refuses to start without a signing key or an authority, and refuses the development key.
        const string signingKey = "a-production-signing-key-of-at-least-32-bytes";
        var settings = new Dictionary<string, string?> { [OpenApiDocumentation.ReferenceSetting] = setting, ["Auth:SigningKey"] = signingKey };
        await using var host = new ServiceHost(settings: settings, environment: environment);
        // With a token: without one, the deny-by-default policy answers 401 to every route that does not exist.
        var staff = host.CreateClient();
        staff.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            DevelopmentAuth.CreateToken("staff-advisor", [Roles.Advisor], "uwv", TimeSpan.FromMinutes(5), signingKey));

        var response = await staff.GetAsync(Reference);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.CreateClient().GetAsync("/openapi/v1.json")).StatusCode);
    }
}
