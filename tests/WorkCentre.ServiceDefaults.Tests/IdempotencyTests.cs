using System.Net;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;

namespace WorkCentre.ServiceDefaults.Tests;

public sealed class IdempotencyTests(TestApi api) : IClassFixture<TestApi>
{
    private static HttpRequestMessage Plan(string json, string? key, string path = "/things")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Http.Json(json) };
        if (key is not null)
        {
            request.Headers.Add(IdempotencyKeys.Header, key);
        }
        return request;
    }

    private HttpClient Advisor(string subject = "staff-advisor") => api.Host.ClientAs(subject, Roles.Advisor);

    private static string NewKey() => "plan:" + Guid.NewGuid();

    [Fact]
    public async Task Given_the_same_key_twice_When_posting_Then_the_handler_ran_once_and_the_second_is_a_replay_of_the_first()
    {
        var (client, key, name) = (Advisor(), NewKey(), "Order picking " + Guid.NewGuid());

        var first = await client.SendAsync(Plan(Http.Activity(name), key));
        var second = await client.SendAsync(Plan(Http.Activity(name), key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.NotNull(first.Headers.Location);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.False(first.Headers.Contains(IdempotencyKeys.ReplayHeader));
        Assert.Equal(["true"], second.Headers.GetValues(IdempotencyKeys.ReplayHeader));
        Assert.Equal(1, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_no_key_When_posting_twice_Then_the_handler_runs_twice()
    {
        var (client, name) = (Advisor(), "Unkeyed " + Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Plan(Http.Activity(name), null))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Plan(Http.Activity(name), null))).StatusCode);

        Assert.Equal(2, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_a_used_key_When_posting_a_different_body_with_it_Then_422_and_the_handler_did_not_run()
    {
        var (client, key, name) = (Advisor(), NewKey(), "Reused " + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Plan(Http.Activity(name), key))).StatusCode);

        var response = await client.SendAsync(Plan(Http.Activity(name, "Coaching"), key));

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemTypes.IdempotencyKeyReused);
        Assert.Equal(1, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_another_staff_members_key_When_posting_the_same_body_Then_it_runs_as_their_own_request()
    {
        var (key, name) = (NewKey(), "Shared key " + Guid.NewGuid());
        var first = await Advisor("staff-a").SendAsync(Plan(Http.Activity(name), key));

        var other = await Advisor("staff-b").SendAsync(Plan(Http.Activity(name), key));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.False(other.Headers.Contains(IdempotencyKeys.ReplayHeader));
        Assert.NotEqual(first.Headers.Location, other.Headers.Location);
        Assert.Equal(2, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_a_slow_request_of_one_staff_member_When_another_uses_the_same_key_Then_neither_gets_the_others_response()
    {
        var (key, name) = (NewKey(), "Slow " + Guid.NewGuid());
        var hold = api.Host.Ledger.HoldNext(name);
        var slow = Advisor("staff-a").SendAsync(Plan(Http.Activity(name), key));
        await hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await AgeKeysAsync(key);

        var other = await Advisor("staff-b").SendAsync(Plan(Http.Activity(name), key));
        hold.Released.SetResult();
        var slowDone = await slow;
        var otherRetry = await Advisor("staff-b").SendAsync(Plan(Http.Activity(name), key));

        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(HttpStatusCode.Created, slowDone.StatusCode);
        Assert.Equal(["true"], otherRetry.Headers.GetValues(IdempotencyKeys.ReplayHeader));
        Assert.Equal(other.Headers.Location, otherRetry.Headers.Location);
        Assert.NotEqual(slowDone.Headers.Location, otherRetry.Headers.Location);
    }

    [Fact]
    public async Task Given_a_used_key_When_posting_the_same_body_with_another_query_string_Then_422_and_the_handler_did_not_run()
    {
        var (client, key, name) = (Advisor(), NewKey(), "Query " + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(Plan(Http.Activity(name), key, "/things?draft=false"))).StatusCode);

        var response = await client.SendAsync(Plan(Http.Activity(name), key, "/things?draft=true"));

        await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, ProblemTypes.IdempotencyKeyReused);
        Assert.Equal(1, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_an_endpoint_whose_response_may_hold_personal_data_When_repeated_Then_status_and_location_are_replayed_and_no_body_is_stored()
    {
        var (client, key, name) = (Advisor(), NewKey(), "Sealed " + Guid.NewGuid());

        var first = await client.SendAsync(Plan(Http.Activity(name), key, "/things/sealed"));
        var repeat = await client.SendAsync(Plan(Http.Activity(name), key, "/things/sealed"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Contains(name, await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal(first.Headers.Location, repeat.Headers.Location);
        Assert.Equal("", await repeat.Content.ReadAsStringAsync());
        Assert.Equal(0, await api.Database.ScalarAsync($"select length(response_body) from http.idempotent_requests where key = '{key}'"));
        Assert.Equal(1, api.Host.Ledger.CountNamed(name));
    }

    /// <summary>Makes the keys look as old as a request that died long ago would leave them.</summary>
    private Task<long> AgeKeysAsync(string key) =>
        api.Database.ScalarAsync($"update http.idempotent_requests set created_at = now() - interval '10 minutes' where key = '{key}' returning 1");

    [Theory]
    [InlineData("has space")]
    [InlineData("slash/not-allowed")]
    [InlineData("ä")]
    [InlineData("k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789k123456789k1234567891")]
    public async Task Given_a_badly_formed_key_When_posting_Then_400_naming_the_header_and_the_handler_did_not_run(string key)
    {
        var name = "Bad key " + Guid.NewGuid();
        var request = new HttpRequestMessage(HttpMethod.Post, "/things") { Content = Http.Json(Http.Activity(name)) };
        request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, key);

        var response = await Advisor().SendAsync(request);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);
        Assert.Single(problem.ErrorsFor(IdempotencyKeys.Header));
        Assert.Equal(0, api.Host.Ledger.CountNamed(name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a pending key once became free for takeover after two minutes, and the handler ran twice
    public async Task Given_a_key_whose_first_request_is_still_running_however_long_When_the_duplicate_arrives_Then_409_and_the_first_completes(bool runningLongerThanAnyTimeout)
    {
        var (client, key, name) = (Advisor(), NewKey(), "Held " + Guid.NewGuid());
        var hold = api.Host.Ledger.HoldNext(name);
        var first = client.SendAsync(Plan(Http.Activity(name), key));
        await hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (runningLongerThanAnyTimeout)
        {
            await AgeKeysAsync(key);
        }

        var duplicate = await client.SendAsync(Plan(Http.Activity(name), key));
        hold.Released.SetResult();

        await duplicate.ProblemAsync(HttpStatusCode.Conflict, ProblemTypes.Conflict);
        Assert.Equal(HttpStatusCode.Created, (await first).StatusCode);
        Assert.Equal(1, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_a_keyed_request_that_failed_validation_When_retried_corrected_with_the_same_key_Then_it_runs()
    {
        var (client, key, name) = (Advisor(), NewKey(), "Corrected " + Guid.NewGuid());
        var failed = await client.SendAsync(Plan(Http.Activity(" "), key));
        await failed.ProblemAsync(HttpStatusCode.BadRequest, ProblemTypes.Validation);

        var retried = await client.SendAsync(Plan(Http.Activity(name), key));

        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.False(retried.Headers.Contains(IdempotencyKeys.ReplayHeader));
        Assert.Equal(1, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_keys_are_used_When_looking_in_the_services_database_Then_they_are_stored_per_caller_in_http_idempotent_requests()
    {
        var key = NewKey();
        await Advisor().SendAsync(Plan(Http.Activity("Stored " + Guid.NewGuid()), key));

        Assert.Equal(201, await api.Database.ScalarAsync($"select status_code from http.idempotent_requests where key = '{key}' and caller = 'staff-advisor'"));
    }
}
