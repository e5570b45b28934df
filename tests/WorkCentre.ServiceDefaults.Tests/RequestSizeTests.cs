using System.Net;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;

namespace WorkCentre.ServiceDefaults.Tests;

/// <summary>The 64 KiB default cap, the same on the test server (which enforces no limits itself) and on Kestrel.</summary>
public abstract class RequestSizeTests(TestApi api)
{
    private const int OverLimit = 70 * 1024;

    private static string ActivityOfSize(string name, int bytes) => Http.Activity(name, note: new string('x', bytes));

    [Fact]
    public async Task Given_a_content_length_over_the_limit_When_posting_Then_413_problem_and_the_handler_did_not_run()
    {
        var name = "big-" + Guid.NewGuid();

        var response = await api.Host.ClientAs("staff-1", Roles.Advisor).PostAsync("/things", Http.Json(ActivityOfSize(name, OverLimit)));

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Equal(0, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_a_chunked_body_over_the_limit_When_posting_Then_413_problem_and_the_handler_did_not_run()
    {
        var name = "chunked-" + Guid.NewGuid();

        var response = await api.Host.ClientAs("staff-1", Roles.Advisor).PostAsync("/things", ChunkedContent.Of(ActivityOfSize(name, OverLimit)));

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Equal(0, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_a_keyed_chunked_body_over_the_limit_When_posting_Then_413_problem_and_the_handler_did_not_run()
    {
        var name = "keyed-" + Guid.NewGuid();
        var client = api.Host.ClientAs("staff-1", Roles.Advisor);
        client.DefaultRequestHeaders.Add(IdempotencyKeys.Header, Guid.NewGuid().ToString());

        var response = await client.PostAsync("/things", ChunkedContent.Of(ActivityOfSize(name, OverLimit)));

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge, ProblemTypes.PayloadTooLarge);
        Assert.Equal(0, api.Host.Ledger.CountNamed(name));
    }

    [Fact]
    public async Task Given_a_chunked_body_under_the_limit_When_posting_Then_it_is_planned()
    {
        var name = "fits-" + Guid.NewGuid();

        var response = await api.Host.ClientAs("staff-1", Roles.Advisor).PostAsync("/things", ChunkedContent.Of(ActivityOfSize(name, 60 * 1024)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, api.Host.Ledger.CountNamed(name));
    }
}

public sealed class RequestSizeOnTestServerTests(TestApi api) : RequestSizeTests(api), IClassFixture<TestApi>;

public sealed class RequestSizeOnKestrelTests(KestrelApi api) : RequestSizeTests(api), IClassFixture<KestrelApi>;
