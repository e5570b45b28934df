using System.Net;
using WorkCentre.ServiceDefaults.Tests.Infrastructure;

namespace WorkCentre.ServiceDefaults.Tests;

public sealed class RateLimitTests
{
    [Fact]
    public async Task Given_a_limit_of_three_a_minute_When_a_staff_member_sends_a_fourth_Then_429_problem_with_retry_after()
    {
        await using var host = new ServiceHost(settings: new Dictionary<string, string?> { ["RateLimiting:PermitsPerMinute"] = "3" });
        var client = host.ClientAs("staff-busy", Roles.Manager);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/things/report")).StatusCode);
        }

        var limited = await client.GetAsync("/things/report");

        await limited.ProblemAsync(HttpStatusCode.TooManyRequests, ProblemTypes.TooManyRequests);
        Assert.InRange(limited.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        // Another staff member has a window of their own.
        Assert.Equal(HttpStatusCode.OK, (await host.ClientAs("staff-calm", Roles.Manager).GetAsync("/things/report")).StatusCode);
    }
}
