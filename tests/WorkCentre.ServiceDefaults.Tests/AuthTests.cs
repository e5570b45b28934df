using System.Net;
using System.Net.Http.Headers;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;

namespace WorkCentre.ServiceDefaults.Tests;

public sealed class AuthTests(TestApi api) : IClassFixture<TestApi>
{
    private HttpClient WithToken(string token)
    {
        var client = api.Host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task Given_no_token_When_posting_Then_401_problem()
    {
        var response = await api.Host.CreateClient().PostAsync("/things", Http.Json(Http.Activity("Anonymous course")));

        await response.ProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(0, api.Host.Ledger.CountNamed("Anonymous course"));
    }

    [Fact]
    public async Task Given_a_token_signed_with_another_key_When_posting_Then_401_problem()
    {
        var token = DevelopmentAuth.CreateToken("staff-1", [Roles.Advisor], "uwv", TimeSpan.FromMinutes(5), "some-other-key-that-is-long-enough-0123456789");

        var response = await WithToken(token).PostAsync("/things", Http.Json(Http.Activity("Forged course")));

        await response.ProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Equal(0, api.Host.Ledger.CountNamed("Forged course"));
    }

    [Fact]
    public async Task Given_an_expired_token_When_posting_Then_401_problem()
    {
        var token = DevelopmentAuth.CreateToken("staff-1", [Roles.Advisor], "uwv", TimeSpan.FromMinutes(-10));

        var response = await WithToken(token).PostAsync("/things", Http.Json(Http.Activity("Late course")));

        await response.ProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Equal(0, api.Host.Ledger.CountNamed("Late course"));
    }

    [Fact]
    public async Task Given_a_partner_token_When_reading_the_managers_report_Then_403_problem()
    {
        var response = await api.Host.ClientAs("staff-partner", Roles.Partner, Roles.Advisor).GetAsync("/things/report");

        await response.ProblemAsync(HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
    }

    [Theory]
    [InlineData(Roles.Manager)]
    [InlineData(Roles.Admin)]
    public async Task Given_a_manager_or_admin_token_When_reading_the_report_Then_200(string role)
    {
        var response = await api.Host.ClientAs("staff-" + role, role).GetAsync("/things/report");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Given_production_without_an_authority_or_key_When_starting_Then_it_fails_saying_what_to_set()
    {
        await using var host = new ServiceHost(environment: "Production");

        var failure = Record.Exception(() => host.CreateClient());

        Assert.NotNull(failure);
        var messages = string.Join(" | ", Unwrap(failure));
        Assert.Contains("Auth:Authority", messages, StringComparison.Ordinal);
        Assert.Contains("Auth:SigningKey", messages, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_production_with_a_signing_key_When_a_token_signed_with_it_arrives_Then_it_is_accepted()
    {
        const string key = "production-like-key-at-least-thirty-two-bytes-long";
        await using var host = new ServiceHost(settings: new Dictionary<string, string?> { ["Auth:SigningKey"] = key }, environment: "Production");
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentAuth.CreateToken("staff-m", [Roles.Manager], "region", TimeSpan.FromMinutes(5), key));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/things/report")).StatusCode);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Given_the_public_development_signing_key_outside_development_When_starting_Then_it_refuses_to(string environment)
    {
        await using var host = new ServiceHost(settings: new Dictionary<string, string?> { ["Auth:SigningKey"] = DevelopmentAuth.SigningKey }, environment: environment);

        var failure = Record.Exception(() => host.CreateClient());

        Assert.NotNull(failure);
        Assert.Contains("public development key", string.Join(" | ", Unwrap(failure)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_endpoint_without_RequireAuthorization_When_called_without_a_token_Then_401_by_the_fallback_policy()
    {
        var response = await api.Host.CreateClient().GetAsync("/things/unguarded");

        await response.ProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    private static IEnumerable<string> Unwrap(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception.Message;
        }
    }
}
