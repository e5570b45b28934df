using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Intake;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests;

public sealed class IntakeApiTests : IAsyncLifetime
{
    private readonly TestBroker _broker = new();
    private readonly TestDatabase _database = new();
    private ServiceHost<IntakeEntryPoint> _intake = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_broker.InitializeAsync(), _database.InitializeAsync());
        _intake = new ServiceHost<IntakeEntryPoint>(_database, _broker);
    }

    public async Task DisposeAsync()
    {
        await _intake.DisposeAsync();
        await Task.WhenAll(_database.DisposeAsync(), _broker.DisposeAsync());
    }

    [Fact]
    public async Task Given_malformed_json_When_registering_an_inquiry_Then_400_problem_details_and_nothing_written()
    {
        using var advisor = _intake.ClientAs(Roles.Advisor);

        var response = await advisor.PostAsync("/inquiries", new StringContent("{\"channel\": \"walkIn\",", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await EventsAsync());
    }

    [Fact]
    public async Task Given_missing_and_unknown_fields_When_registering_Then_400_names_each_field_and_rule()
    {
        using var advisor = _intake.ClientAs(Roles.Advisor);

        var response = await advisor.PostAsJsonAsync("/inquiries", new { channel = "walkIn", requesterType = "resident", municipality = "", location = new string('x', 101) });

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("required", Error(errors, "domain"), StringComparison.Ordinal);
        Assert.Contains("required", Error(errors, "municipality"), StringComparison.Ordinal);
        Assert.Contains("at most 100", Error(errors, "location"), StringComparison.Ordinal);
        Assert.Equal(0, await EventsAsync());
    }

    [Fact]
    public async Task Given_an_unknown_channel_When_registering_Then_400_and_nothing_written()
    {
        using var advisor = _intake.ClientAs(Roles.Advisor);

        var response = await advisor.PostAsJsonAsync("/inquiries", new { channel = "carrierPigeon", requesterType = "resident", domain = "working", municipality = "Huizen", location = "Library" });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(0, await EventsAsync());
    }

    [Fact]
    public async Task Given_no_token_or_the_wrong_role_When_registering_Then_401_and_403()
    {
        using var anonymous = _intake.CreateClient();
        using var manager = _intake.ClientAs(Roles.Manager);

        await AssertProblemAsync(await anonymous.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(), Json.Options), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await manager.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(), Json.Options), HttpStatusCode.Forbidden);
        Assert.Equal(0, await EventsAsync());
    }

    [Fact]
    public async Task Given_a_body_over_the_limit_When_registering_Then_413_and_nothing_written()
    {
        using var advisor = _intake.ClientAs(Roles.Advisor);
        var huge = new string('a', 200_000);

        var response = await advisor.PostAsJsonAsync("/inquiries", new { channel = "walkIn", requesterType = "resident", domain = "working", municipality = "Huizen", location = "Library", question = huge });

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await EventsAsync());
    }

    [Fact]
    public async Task Given_the_same_idempotency_key_twice_When_registering_Then_one_inquiry_and_the_same_response()
    {
        using var advisor = _intake.ClientAs(Roles.Advisor);

        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/inquiries") { Content = JsonContent.Create(IntakeAndInsights.Inquiry(), options: Json.Options) };
            request.Headers.Add("Idempotency-Key", "desk-7-inquiry-0042");
            return await advisor.SendAsync(request);
        }
        var first = await PostAsync();
        var second = await PostAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await EventsAsync());
    }

    [Fact]
    public async Task Given_a_registered_inquiry_When_read_back_Then_it_has_no_question_text_and_an_etag()
    {
        using var advisor = _intake.ClientAs(Roles.Advisor);
        var created = await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry("Blaricum"), Json.Options);

        var read = await advisor.GetAsync(created.Headers.Location);
        var body = await read.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("Blaricum", body, StringComparison.Ordinal);
        Assert.DoesNotContain("retrain", body, StringComparison.Ordinal);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.NotFound, (await advisor.GetAsync($"/inquiries/{Guid.CreateVersion7()}")).StatusCode);
    }

    [Fact]
    public async Task Given_a_registered_inquiry_When_stored_Then_the_question_is_not_readable_in_the_event_data()
    {
        using var advisor = _intake.ClientAs(Roles.Advisor);

        (await advisor.PostAsJsonAsync("/inquiries", IntakeAndInsights.Inquiry(), Json.Options)).EnsureSuccessStatusCode();

        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("select data::text from events.events where type like 'intake.inquiry%'", connection);
        var data = (string)(await cmd.ExecuteScalarAsync())!;
        Assert.DoesNotContain("retrain", data, StringComparison.Ordinal);
        Assert.Contains("Hilversum", data, StringComparison.Ordinal);
    }

    private static string Error(JsonElement errors, string field) =>
        errors.TryGetProperty(field, out var messages) ? messages[0].GetString()! : $"no error for '{field}' in {errors}";

    private async Task<long> EventsAsync()
    {
        _ = _intake.Server;
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        // The region's partner organisations are seeded at start-up; the inquiries are what these tests write.
        await using var cmd = new NpgsqlCommand("select count(*) from events.events where type like 'intake.inquiry%'", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _), "problem details carry a trace id");
        return problem;
    }
}
