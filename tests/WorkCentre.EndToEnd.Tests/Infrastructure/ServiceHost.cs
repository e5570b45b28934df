using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WorkCentre.ServiceDefaults;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One service in process, on its own fresh database and the test class's virtual host of the real broker,
/// with its daemon and consumers running.
/// </summary>
public sealed class ServiceHost<TEntryPoint>(TestDatabase database, TestBroker broker, Action<IServiceCollection>? services = null,
    IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private Lazy<Task<OpenApiOperations>>? documented;

    public TestDatabase Database => database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Events"] = database.ConnectionString,
            ["ConnectionStrings:RabbitMq"] = broker.ConnectionString,
        }.Concat(settings ?? new Dictionary<string, string?>())));
        if (services is not null)
        {
            builder.ConfigureServices(services);
        }
    }

    /// <summary>A client whose every response must have a status the service's OpenAPI document declares for the operation.</summary>
    public new HttpClient CreateClient()
    {
        StartServer();
        var operations = LazyInitializer.EnsureInitialized(ref documented, () => OpenApiOperations.Of(() => CreateDefaultClient(ClientOptions.BaseAddress)));
        return CreateDefaultClient(ClientOptions.BaseAddress, new DocumentedStatuses(() => operations.Value));
    }

    /// <summary>A client with a staff token; the organisation is a code of the seeded region, the work centre by default.</summary>
    public HttpClient ClientAs(string role, string organisation = "werkcentrum-zkij")
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            DevelopmentAuth.CreateToken($"staff-{role}-{organisation}", [role], organisation, TimeSpan.FromHours(1)));
        return client;
    }

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Waits for /health/ready: the bus has its queues bound, so nothing published from now on is dropped.</summary>
    public async Task WaitUntilReadyAsync()
    {
        using var client = CreateClient();
        await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60),
            $"{typeof(TEntryPoint).Name} should become ready");
    }

    public NpgsqlDataSource DataSource => Service<NpgsqlDataSource>();

    /// <summary>One number from the service's own database, e.g. a count.</summary>
    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
