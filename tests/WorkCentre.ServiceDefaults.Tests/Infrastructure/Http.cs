using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WorkCentre.ServiceDefaults.Tests.Infrastructure;

public static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Activity(string name, string kind = "Training", string? note = null) =>
        JsonSerializer.Serialize(new { name, kind, note });

    /// <summary>Asserts an RFC 9457 problem response with the stable type and a trace id, and returns its body.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(type, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        return problem;
    }

    public static string[] ErrorsFor(this JsonElement problem, string field) =>
        problem.GetProperty("errors").TryGetProperty(field, out var messages)
            ? messages.EnumerateArray().Select(m => m.GetString()!).ToArray()
            : throw new Xunit.Sdk.XunitException($"no errors for '{field}' in {problem}");
}

/// <summary>A body of unknown length, so the client sends it chunked (no Content-Length).</summary>
public sealed class ChunkedContent(string json) : HttpContent
{
    private readonly byte[] bytes = Encoding.UTF8.GetBytes(json);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        foreach (var chunk in bytes.Chunk(4096))
        {
            await stream.WriteAsync(chunk);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    public static ChunkedContent Of(string json)
    {
        var content = new ChunkedContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
