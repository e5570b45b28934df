using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace WorkCentre.ServiceDefaults;

/// <summary>
/// Turns exceptions into problem details: a request the framework could not read (malformed JSON, unknown
/// enum value, missing field, oversize body) is the client's 4xx naming what is wrong; anything else is a
/// 500 that says nothing about the exception.
/// </summary>
internal sealed partial class RequestExceptionHandler(IProblemDetailsService problems, ILogger<RequestExceptionHandler> logger) : IExceptionHandler
{
    private const string Body = "body";

    private static readonly string[] Required = ["A value is required."];

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception is BadHttpRequestException bad ? Describe(bad) : Unhandled(context, exception);
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    private ProblemDetails Unhandled(HttpContext context, Exception exception)
    {
        // The route pattern, not the path or query: those may carry ids a log should not. The middleware has
        // cleared the endpoint by now; the feature keeps it.
        var route = (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint)?.RoutePattern.RawText;
        logger.LogError(exception, "Unhandled exception in {Method} {Route}", context.Request.Method, route);
        return new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred." };
    }

    private ProblemDetails Describe(BadHttpRequestException exception)
    {
        // Messages of these exceptions may quote request content, so they are never logged or returned as is.
        logger.LogDebug("Bad request {Status}: {Kind}", exception.StatusCode, exception.InnerException?.GetType().Name ?? nameof(BadHttpRequestException));
        var status = exception.StatusCode;
        if (exception.InnerException is JsonException json)
        {
            return new HttpValidationProblemDetails(JsonErrors(json)) { Status = status, Title = "The request body could not be read." };
        }
        if (status == StatusCodes.Status400BadRequest && BoundParameter().Match(exception.Message) is { Success: true } match)
        {
            var field = match.Groups["name"].Value;
            var message = exception.Message.StartsWith("Failed", StringComparison.Ordinal) ? "The value is not valid." : "A value is required.";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Status = status, Title = "The request is not valid." };
        }
        if (exception.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [Body] = ["A request body is required."] }) { Status = status, Title = "The request is not valid." };
        }
        return new ProblemDetails
        {
            Status = status,
            Title = status switch
            {
                StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON (application/json).",
                _ => "The request could not be read.",
            },
        };
    }

    /// <summary>Names the offending field by its JSON path; a body that is not JSON at all is reported as "body".</summary>
    internal static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        // Syntax errors come from the reader, wrapped with the path where reading stopped: the body is at fault.
        if (json.InnerException is JsonException || json.Path is null)
        {
            return new() { [Body] = ["The request body is not valid JSON."] };
        }
        if (MissingProperties().Match(json.Message) is { Success: true } missing)
        {
            return Quoted().Matches(missing.Groups["names"].Value).ToDictionary(m => m.Groups[1].Value, _ => Required);
        }
        var field = json.Path == "$" ? Body : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
        var message = NullNotAllowed().IsMatch(json.Message) ? "A value is required." : "The value is not valid for this field.";
        return new() { [field] = [message] };
    }

    [GeneratedRegex("""parameter "\S+ (?<name>[^"]+)" (?:from|was not provided)""")]
    private static partial Regex BoundParameter();

    [GeneratedRegex("missing required properties including: (?<names>.*)$")]
    private static partial Regex MissingProperties();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex("doesn't allow null values")]
    private static partial Regex NullNotAllowed();
}
