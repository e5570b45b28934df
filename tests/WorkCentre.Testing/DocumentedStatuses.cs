using System.Text.Json;
using Xunit.Sdk;

namespace WorkCentre.Testing;

/// <summary>
/// Fails the test when a response's status is not among those the service's own OpenAPI document declares for the
/// operation (method and path template) the request went to, so the document cannot fall behind the endpoints
/// again. Requests to paths the document does not describe (probes, metrics, the document itself, unknown routes)
/// pass unchecked.
/// </summary>
public sealed class DocumentedStatuses(Func<Task<OpenApiOperations>> operations) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var known = await operations();
        var path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString ?? "/";
        if (known.Find(request.Method.Method, path) is { } operation && !operation.Documents((int)response.StatusCode))
        {
            throw new XunitException(
                $"{request.Method} {path} answered {(int)response.StatusCode}, which the OpenAPI document does not declare for " +
                $"{operation.Method} {operation.Template} (it declares {string.Join(", ", operation.Statuses)}). " +
                "Declare it on the endpoint (TypedResults, .Produces...) or, if the platform answers it, in ServiceDefaults/OpenApi.cs.");
        }
        return response;
    }
}

/// <summary>The operations of an OpenAPI document with the response statuses each declares.</summary>
public sealed class OpenApiOperations
{
    public const string DocumentPath = "/openapi/v1.json";

    private static readonly string[] Methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private readonly List<Operation> all;

    private OpenApiOperations(List<Operation> all) => this.all = all;

    /// <summary>A test host's operations, read once on first use through a client whose responses are not checked.</summary>
    public static Lazy<Task<OpenApiOperations>> Of(Func<HttpClient> uncheckedClient) => new(async () =>
    {
        using var client = uncheckedClient();
        using var response = await client.GetAsync(DocumentPath);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? Parse(body)
            : throw new XunitException($"{DocumentPath} answered {(int)response.StatusCode}; the status check needs it: {body}");
    });

    public static OpenApiOperations Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var operations = new List<Operation>();
        if (document.RootElement.TryGetProperty("paths", out var paths))
        {
            foreach (var path in paths.EnumerateObject())
            {
                foreach (var method in path.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)))
                {
                    var statuses = method.Value.TryGetProperty("responses", out var responses)
                        ? responses.EnumerateObject().Select(r => r.Name).ToArray()
                        : [];
                    operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, statuses));
                }
            }
        }
        return new OpenApiOperations(operations);
    }

    /// <summary>
    /// The operation a request to <paramref name="path"/> is routed to: its template matches segment by segment
    /// (a parameter takes any one segment), the one with the most literal segments winning, as routing does.
    /// </summary>
    public Operation? Find(string method, string path)
    {
        var segments = Segments(path);
        return all.Where(o => o.Method.Equals(method, StringComparison.OrdinalIgnoreCase) && o.Matches(segments))
            .OrderByDescending(o => o.LiteralSegments)
            .FirstOrDefault();
    }

    internal static string[] Segments(string path) =>
        path.Split('?', 2)[0].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();

    public sealed record Operation(string Method, string Template, IReadOnlyList<string> Statuses)
    {
        private readonly string[] templateSegments = Segments(Template);

        public int LiteralSegments => templateSegments.Count(s => !s.Contains('{', StringComparison.Ordinal));

        public bool Matches(string[] segments) =>
            segments.Length == templateSegments.Length
            && templateSegments.Zip(segments).All(p => p.First.Contains('{', StringComparison.Ordinal) || p.First.Equals(p.Second, StringComparison.OrdinalIgnoreCase));

        /// <summary>The status is declared exactly, by its class (<c>4XX</c>) or by <c>default</c>.</summary>
        public bool Documents(int status) =>
            Statuses.Any(s => s == status.ToString(System.Globalization.CultureInfo.InvariantCulture)
                || s.Equals($"{status / 100}XX", StringComparison.OrdinalIgnoreCase)
                || s == "default");
    }
}
