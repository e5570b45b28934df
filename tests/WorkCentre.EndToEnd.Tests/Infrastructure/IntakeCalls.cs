using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using WorkCentre.Testing;

namespace WorkCentre.EndToEnd.Tests.Infrastructure;

/// <summary>The calls intake's API tests make again and again: a new person, a command with If-Match, a 422's rule, a body.</summary>
public static class IntakeCalls
{
    private static int _people;

    /// <summary>Registers a new person; each call a different birth date, since the same name, birth date and postcode would be a duplicate.</summary>
    public static async Task<Guid> RegisterParticipantAsync(HttpClient advisor)
    {
        var n = Interlocked.Increment(ref _people);
        var response = await advisor.PostAsJsonAsync("/participants", new
        {
            givenName = "Sanne",
            familyName = "de Vries",
            dateOfBirth = new DateOnly(1971, 9, 2).AddDays(n),
            postcode = "2011 AB",
            municipality = "Haarlem",
            email = $"sanne{n}@example.nl",
            identitySource = "identityDocument",
        }, Json.Options);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("participantId").GetGuid();
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, object? body, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, options: Json.Options) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }
        return await client.SendAsync(request);
    }

    /// <summary>The rule a 422 names.</summary>
    public static async Task<string?> RuleAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("rule").GetString();
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
