using System.Net;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;

namespace WorkCentre.ServiceDefaults.Tests;

public sealed class ErrorTests(TestApi api) : IClassFixture<TestApi>
{
    private HttpClient Advisor() => api.Host.ClientAs("staff-advisor", Roles.Advisor);

    [Fact]
    public async Task Given_a_body_that_is_not_json_When_posting_Then_400_problem_with_trace_id_naming_the_body()
    {
        var response = await Advisor().PostAsync("/things", Http.Json("{\"name\": \"Forklift course\", \"kind\": "));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["The request body is not valid JSON."], problem.ErrorsFor("body"));
        Assert.Equal(0, api.Host.Ledger.CountNamed("Forklift course"));
    }

    [Theory]
    [InlineData("\"Juggling\"")]
    [InlineData("7")]
    public async Task Given_an_unknown_enum_value_When_posting_Then_400_naming_the_field(string kind)
    {
        var response = await Advisor().PostAsync("/things", Http.Json($$"""{"name": "Welding", "kind": {{kind}}}"""));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Single(problem.ErrorsFor("kind"));
        Assert.DoesNotContain("TestHost", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name": "Welding"}""", "kind")]
    [InlineData("""{"kind": "Coaching"}""", "name")]
    [InlineData("""{"name": null, "kind": "Coaching"}""", "name")]
    public async Task Given_a_missing_required_field_When_posting_Then_400_naming_the_field(string json, string field)
    {
        var response = await Advisor().PostAsync("/things", Http.Json(json));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["A value is required."], problem.ErrorsFor(field));
    }

    [Fact]
    public async Task Given_no_body_When_posting_Then_400_naming_the_body()
    {
        var response = await Advisor().PostAsync("/things", Http.Json(""));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Single(problem.ErrorsFor("body"));
    }

    [Fact]
    public async Task Given_an_id_that_is_not_a_guid_When_reading_Then_400_naming_the_parameter_without_echoing_it()
    {
        var response = await Advisor().GetAsync("/things/BSN-123456782");

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Single(problem.ErrorsFor("id"));
        Assert.DoesNotContain("123456782", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_unknown_id_When_reading_Then_404_problem()
    {
        var response = await Advisor().GetAsync($"/things/{Guid.NewGuid()}");

        await response.ProblemAsync(HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Given_a_blank_name_When_posting_Then_the_endpoints_validation_names_the_field()
    {
        var response = await Advisor().PostAsync("/things", Http.Json(Http.Activity("  ")));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Equal(["A value is required."], problem.ErrorsFor("name"));
    }

    [Fact]
    public async Task Given_a_domain_rule_is_broken_When_posting_Then_422_names_the_rule()
    {
        var response = await Advisor().PostAsync("/things", Http.Json(Http.Activity(TestHost.Things.ClosedProgramme)));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemTypes.RuleViolated);
        Assert.Equal("programme-closed", problem.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task Given_a_valid_request_When_posting_Then_201_with_camel_case_string_enums_and_the_callers_claims()
    {
        var response = await Advisor().PostAsync("/things", Http.Json(Http.Activity("Job coaching", "Coaching")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"kind\":\"coaching\"", body, StringComparison.Ordinal);
        Assert.Contains("\"plannedBy\":\"staff-advisor\"", body, StringComparison.Ordinal);
        Assert.Contains("\"organisation\":\"uwv-rotterdam\"", body, StringComparison.Ordinal);
        Assert.Matches("\"plannedAt\":\"\\d{4}-\\d\\d-\\d\\dT[^\"]+\\+00:00\"", body);
    }

    [Fact]
    public async Task Given_a_handler_that_throws_When_called_Then_500_problem_without_the_exception()
    {
        var response = await api.Host.CreateClient().GetAsync("/things/boom");

        var problem = await response.ProblemAsync(HttpStatusCode.InternalServerError, ProblemTypes.Internal);
        Assert.DoesNotContain("123456782", problem.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Given_an_unknown_route_When_called_by_staff_Then_404_problem()
    {
        var response = await api.Host.ClientAs("staff-advisor", Roles.Advisor).GetAsync("/nowhere");

        await response.ProblemAsync(HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Given_an_unknown_route_When_called_without_a_token_Then_401_so_that_routes_are_not_revealed()
    {
        var response = await api.Host.CreateClient().GetAsync("/nowhere");

        await response.ProblemAsync(HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Given_a_traceparent_When_a_request_fails_Then_the_problem_carries_that_trace_id()
    {
        var client = api.Host.CreateClient();
        client.DefaultRequestHeaders.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        var problem = await (await client.GetAsync("/things/boom")).ProblemAsync(HttpStatusCode.InternalServerError, ProblemTypes.Internal);

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", problem.GetProperty("traceId").GetString());
    }
}
