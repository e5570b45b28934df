using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using WorkCentre.EmployerService;
using WorkCentre.EndToEnd.Tests.Infrastructure;
using WorkCentre.Insights;
using WorkCentre.Intake;
using WorkCentre.Matching;
using WorkCentre.Testing;
using WorkCentre.Trajectory;

namespace WorkCentre.EndToEnd.Tests;

/// <summary>One running service as the surface tests see it: its endpoints and an anonymous client.</summary>
public sealed record RunningService(string Name, IServiceProvider Services, Func<HttpClient> AnonymousClient);

/// <summary>All five services in one process, each on its own database, started once for the test classes that look at all of them.</summary>
public sealed class AllServices : IAsyncLifetime
{
    public const string Collection = "all five services";

    private readonly List<Func<Task>> _teardown = [];
    private readonly TestBroker _broker = new();

    public List<RunningService> Services { get; } = [];

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        await StartAsync<IntakeEntryPoint>(IntakeService.Name);
        await StartAsync<InsightsEntryPoint>(InsightsService.Name);
        await StartAsync<TrajectoryEntryPoint>(TrajectoryService.Name);
        await StartAsync<MatchingEntryPoint>(MatchingService.Name);
        await StartAsync<EmployerServiceEntryPoint>(EmployerServiceService.Name);
    }

    private async Task StartAsync<TEntryPoint>(string name) where TEntryPoint : class
    {
        var database = new TestDatabase();
        await database.InitializeAsync();
        _teardown.Add(database.DisposeAsync);
        var host = new ServiceHost<TEntryPoint>(database, _broker);
        _teardown.Insert(0, async () => await host.DisposeAsync());
        await host.WaitUntilReadyAsync();
        Services.Add(new RunningService(name, host.Services, host.CreateClient));
    }

    public async Task DisposeAsync()
    {
        foreach (var teardown in _teardown)
        {
            await teardown();
        }
        await _broker.DisposeAsync();
    }
}

[CollectionDefinition(AllServices.Collection)]
public sealed class AllServicesCollection : ICollectionFixture<AllServices>;

[Collection(AllServices.Collection)]
public sealed partial class ApiSurfaceTests(AllServices all)
{
    /// <summary>The only endpoints anyone may call without a token: probes, the API description and the metrics scrape.</summary>
    private static readonly string[] AnonymousByDesign = ["/health/live", "/health/ready", "/openapi/{documentName}.json", "/metrics"];

    [Fact]
    public async Task Given_every_mapped_endpoint_of_every_service_When_called_without_a_token_Then_only_the_explicit_opt_outs_answer()
    {
        var problems = new List<string>();
        var checkedEndpoints = 0;
        foreach (var service in all.Services)
        {
            using var client = service.AnonymousClient();
            foreach (var (endpoint, method) in Endpoints(service))
            {
                var pattern = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
                var optedOut = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                if (optedOut)
                {
                    if (!AnonymousByDesign.Contains(pattern) && !pattern.StartsWith("/scalar", StringComparison.Ordinal))
                    {
                        problems.Add($"{service.Name}: {method} {pattern} allows anonymous callers but is not one of the endpoints meant to");
                    }
                    continue;
                }
                using var request = new HttpRequestMessage(new HttpMethod(method), Concrete(pattern));
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }
                var response = await client.SendAsync(request);
                checkedEndpoints++;
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    problems.Add($"{service.Name}: {method} {pattern} answered {(int)response.StatusCode} to a caller without a token");
                }
            }
        }

        Assert.Empty(problems);
        // Intake and insights have endpoints of their own today; the check must have reached them.
        Assert.True(checkedEndpoints >= 3, $"only {checkedEndpoints} endpoints were checked");
    }

    [Fact]
    public void Given_the_fallback_policy_When_an_endpoint_forgets_RequireAuthorization_Then_it_still_requires_an_authenticated_user()
    {
        foreach (var service in all.Services)
        {
            var fallback = service.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthorizationOptions>>().Value.FallbackPolicy;

            Assert.NotNull(fallback);
            Assert.Contains(fallback.Requirements, r => r is Microsoft.AspNetCore.Authorization.Infrastructure.DenyAnonymousAuthorizationRequirement);
        }
    }

    private static IEnumerable<(RouteEndpoint Endpoint, string Method)> Endpoints(RunningService service) =>
        service.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (e, m)));

    /// <summary>A path that matches the pattern: route values by their constraint, so the request reaches the endpoint.</summary>
    private static string Concrete(string pattern) => RouteParameter().Replace(pattern, m => m.Groups["constraint"].Value switch
    {
        "guid" => Guid.NewGuid().ToString(),
        "int" or "long" => "1",
        _ => "x",
    });

    [GeneratedRegex(@"\{\*?(?<name>[A-Za-z]+)\??(:(?<constraint>[a-z]+))?\}")]
    private static partial Regex RouteParameter();
}
