using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace WorkCentre.Testing;

/// <summary>
/// A RabbitMQ virtual host of its own for one test class on the real broker, so exchanges and queues of
/// parallel test classes never meet; made and removed through the management API.
/// </summary>
public sealed class TestBroker : IAsyncLifetime
{
    private readonly HttpClient _management;

    public TestBroker()
    {
        var amqp = new Uri(Environment.GetEnvironmentVariable("WORKCENTRE_RABBITMQ") ?? "amqp://guest:guest@127.0.0.1:25672/");
        var management = new Uri(Environment.GetEnvironmentVariable("WORKCENTRE_RABBITMQ_MANAGEMENT_URL") ?? $"http://{amqp.Host}:{amqp.Port + 1}/");
        Amqp = amqp;
        _management = new HttpClient { BaseAddress = management };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("guest:guest")));
    }

    public Uri Amqp { get; }

    public string VirtualHost { get; } = $"wc-test-{Guid.NewGuid():N}"[..20];

    public string ConnectionString => new UriBuilder(Amqp) { Path = "/" + VirtualHost }.Uri.ToString();

    public async Task InitializeAsync()
    {
        (await _management.PutAsync($"api/vhosts/{VirtualHost}", null)).EnsureSuccessStatusCode();
        (await _management.PutAsJsonAsync($"api/permissions/{VirtualHost}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _management.DeleteAsync($"api/vhosts/{VirtualHost}");
        _management.Dispose();
    }

    /// <summary>Messages waiting in a queue of this virtual host, or 0 when the queue does not exist yet.</summary>
    public async Task<long> MessagesInAsync(string queue)
    {
        var response = await _management.GetAsync($"api/queues/{VirtualHost}/{queue}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return 0;
        }
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0;
    }

    /// <summary>Closes every client connection of this virtual host, as a broker restart would.</summary>
    public async Task<int> DropConnectionsAsync()
    {
        var response = await _management.GetFromJsonAsync<JsonElement>($"api/vhosts/{VirtualHost}/connections");
        var names = response.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList();
        foreach (var name in names)
        {
            await _management.DeleteAsync($"api/connections/{Uri.EscapeDataString(name)}");
        }
        return names.Count;
    }
}
