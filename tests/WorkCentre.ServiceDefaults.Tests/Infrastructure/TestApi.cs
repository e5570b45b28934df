using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WorkCentre.ServiceDefaults.TestHost;
using WorkCentre.Testing;

namespace WorkCentre.ServiceDefaults.Tests.Infrastructure;

/// <summary>The test host in the "Testing" environment, optionally with settings, a database or on real Kestrel.</summary>
public sealed class ServiceHost : WebApplicationFactory<Program>
{
    private readonly NpgsqlDataSource? dataSource;
    private readonly IReadOnlyDictionary<string, string?>? settings;
    private readonly string environment;

    private readonly Lazy<Task<OpenApiOperations>> documented;

    public ServiceHost(NpgsqlDataSource? dataSource = null, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Testing")
    {
        (this.dataSource, this.settings, this.environment) = (dataSource, settings, environment);
        // The redirect handler buffers request bodies, which would turn chunked bodies into sized ones.
        ClientOptions.AllowAutoRedirect = false;
        documented = OpenApiOperations.Of(() => CreateDefaultClient(ClientOptions.BaseAddress));
    }

    public ThingLedger Ledger => Services.GetRequiredService<ThingLedger>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        if (settings is not null)
        {
            builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        }
        if (dataSource is not null)
        {
            builder.ConfigureServices(s => s.AddSingleton(dataSource));
        }
    }

    /// <summary>A client whose every response must have a status the host's OpenAPI document declares for the operation.</summary>
    public new HttpClient CreateClient()
    {
        // On Kestrel the base address is the server's only once it has started.
        StartServer();
        return CreateDefaultClient(ClientOptions.BaseAddress, new DocumentedStatuses(() => documented.Value));
    }

    /// <summary>A client carrying a development token for a staff member with these roles.</summary>
    public HttpClient ClientAs(string subject, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DevelopmentAuth.CreateToken(subject, roles, "uwv-rotterdam", TimeSpan.FromMinutes(10)));
        return client;
    }
}

/// <summary>Class fixture: a fresh database and the test host using it, on the test server.</summary>
public class TestApi : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public ServiceHost Host { get; private set; } = null!;

    protected virtual bool OnKestrel => false;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        Host = new ServiceHost(Database.DataSource);
        if (OnKestrel)
        {
            Host.UseKestrel(0);
        }
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>The same, on real Kestrel over a loopback port.</summary>
public sealed class KestrelApi : TestApi
{
    protected override bool OnKestrel => true;
}
