using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace WorkCentre.ServiceDefaults;

/// <summary>Stable RFC 9457 <c>type</c> URIs; clients switch on these, never on titles or details.</summary>
public static class ProblemTypes
{
    private const string Base = "https://workcentre.example/problems/";
    public const string Validation = Base + "validation";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string Conflict = Base + "conflict";
    public const string PreconditionFailed = Base + "precondition-failed";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string RuleViolated = Base + "rule-violated";
    public const string IdempotencyKeyReused = Base + "idempotency-key-reused";
    public const string TooManyRequests = Base + "too-many-requests";
    public const string Internal = Base + "internal";
    public const string Unavailable = Base + "unavailable";

    /// <summary>The default type for a status; 422 without a more specific type is a validation problem.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 or 422 => Validation,
        401 => Unauthorized,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        412 => PreconditionFailed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        503 => Unavailable,
        >= 500 => Internal,
        _ => "about:blank",
    };

    /// <summary>Gives every problem response a stable type and the W3C trace id that its logs carry.</summary>
    internal static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        // The framework fills in links to the HTTP RFC; ours say what went wrong in WorkCentre terms.
        if (problem.Type is null || !problem.Type.StartsWith(Base, StringComparison.Ordinal))
        {
            problem.Type = ForStatus(status);
        }
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
    }
}

/// <summary>Problem results for domain outcomes that are not field validation.</summary>
public static class Problems
{
    /// <summary>409: the request clashes with the current state (e.g. the handover was already accepted).</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict", type: ProblemTypes.Conflict);

    /// <summary>422: the request is well formed but breaks a named domain rule (e.g. "consent-required").</summary>
    public static ProblemHttpResult RuleViolated(string rule, string detail) =>
        TypedResults.Problem(
            detail,
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "A rule of the work centre was violated.",
            type: ProblemTypes.RuleViolated,
            extensions: new Dictionary<string, object?> { ["rule"] = rule });

    /// <summary>412: the <c>If-Match</c> version is stale.</summary>
    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", type: ProblemTypes.PreconditionFailed);
}

/// <summary>
/// Collects per-field errors for a request; field names are the JSON (camelCase) names the client sent.
/// <code>
/// var validation = new Validation().Required("name", body.Name).Check(body.Hours &gt; 0, "hours", "Must be positive.");
/// if (!validation.IsValid) return validation.Problem();
/// </code>
/// </summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool IsValid => errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var messages))
        {
            errors[field] = messages = [];
        }
        messages.Add(message);
        return this;
    }

    public Validation Check(bool condition, string field, string message) => condition ? this : Add(field, message);

    public Validation Required(string field, string? value) =>
        Check(!string.IsNullOrWhiteSpace(value), field, "A value is required.");

    public IReadOnlyDictionary<string, string[]> Errors => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public ValidationProblem Problem() =>
        TypedResults.ValidationProblem(Errors, title: "The request is not valid.", type: ProblemTypes.Validation);
}
