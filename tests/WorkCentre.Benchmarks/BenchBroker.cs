using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace WorkCentre.Benchmarks;

/// <summary>A RabbitMQ virtual host for one benchmark run on the broker <c>./workcentre bench</c> started.</summary>
internal sealed class BenchBroker : IAsyncDisposable
{
    private readonly HttpClient _management;

    private BenchBroker(HttpClient management, Uri amqp, string virtualHost)
    {
        _management = management;
        ConnectionString = new UriBuilder(amqp) { Path = "/" + virtualHost }.Uri;
        VirtualHost = virtualHost;
    }

    public Uri ConnectionString { get; }
    public string VirtualHost { get; }

    public static async Task<BenchBroker> CreateAsync()
    {
        var amqp = new Uri(Environment.GetEnvironmentVariable("WORKCENTRE_RABBITMQ")
            ?? throw new InvalidOperationException("WORKCENTRE_RABBITMQ is not set; run through ./workcentre bench."));
        var management = new HttpClient
        {
            BaseAddress = new Uri(Environment.GetEnvironmentVariable("WORKCENTRE_RABBITMQ_MANAGEMENT_URL") ?? $"http://{amqp.Host}:{amqp.Port + 1}/"),
        };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
        var virtualHost = $"wc-bench-{DateTime.UtcNow:HHmmss}";
        (await management.PutAsync($"api/vhosts/{virtualHost}", null)).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"api/permissions/{virtualHost}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new BenchBroker(management, amqp, virtualHost);
    }

    public async ValueTask DisposeAsync()
    {
        await _management.DeleteAsync($"api/vhosts/{VirtualHost}");
        _management.Dispose();
    }
}
