using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using WorkCentre.ServiceDefaults.Idempotency;

namespace WorkCentre.ServiceDefaults;

/// <summary>
/// Each service's OpenAPI document at <c>/openapi/v1.json</c>, complete enough for a partner to integrate from it
/// alone, and Scalar's API reference over it at <c>/scalar/v1</c> for integrators. Endpoints declare what only they
/// answer (201 and its body, their own 400, 404); <see cref="PlatformResponses"/> adds what the shared middleware answers.
/// </summary>
public static class OpenApiDocumentation
{
    public const string DocumentPattern = "/openapi/{documentName}.json";

    /// <summary>Scalar serves <c>/scalar/{documentName}</c>, so the reference of the v1 document is <c>/scalar/v1</c>.</summary>
    public const string ReferencePrefix = "/scalar";

    /// <summary>Serves the API reference outside Development when true; false hides it in Development too.</summary>
    public const string ReferenceSetting = "OpenApi:Reference";

    public const string BearerScheme = "Bearer";

    public const string ProblemContentType = "application/problem+json";

    public static IServiceCollection AddWorkCentreOpenApi(this IServiceCollection services, string serviceName) =>
        services.AddSingleton(new ReferenceTitle($"WorkCentre {serviceName} API")).AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, context, _) =>
            {
                Describe(document, context, serviceName);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer<PlatformResponses>();
        });

    public static WebApplication MapWorkCentreOpenApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPattern).AllowAnonymous();
        if (app.Configuration.GetValue(ReferenceSetting, app.Environment.IsDevelopment()))
        {
            // Nothing leaves the browser for third parties: no telemetry, no fonts from a CDN, no AI agent.
            var title = app.Services.GetRequiredService<ReferenceTitle>().Title;
            app.MapScalarApiReference(ReferencePrefix, o => o
                    .WithTitle(title)
                    .WithOpenApiRoutePattern(DocumentPattern)
                    .AddPreferredSecuritySchemes(BearerScheme)
                    .DisableTelemetry()
                    .DisableDefaultFonts()
                    .DisableAgent())
                .AllowAnonymous();
        }
        return app;
    }

    /// <summary>Tags the endpoints and gives the tag the description the document shows for it.</summary>
    public static TBuilder WithTag<TBuilder>(this TBuilder builder, string name, string description) where TBuilder : IEndpointConventionBuilder =>
        builder.WithTags(name).WithMetadata(new TagDescription(name, description));

    /// <summary>Documents a header that the endpoint sets on responses with <paramref name="status"/>.</summary>
    public static RouteHandlerBuilder WithResponseHeader(this RouteHandlerBuilder builder, int status, string header, string description) =>
        builder.OnResponse(status, response =>
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[header] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        });

    /// <summary>
    /// Says what a status the endpoint declares means for it, e.g. which thing was not found; reasons the platform
    /// gives for the same status follow it.
    /// </summary>
    public static RouteHandlerBuilder WithResponseDescription(this RouteHandlerBuilder builder, int status, string description) =>
        builder.OnResponse(status, response => response.Description =
            string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(status) ? description
            : response.Description.Contains(description, StringComparison.Ordinal) ? response.Description
            : $"{description} {response.Description}");

    /// <summary>
    /// Shows an integrator what to send and what comes back: <paramref name="request"/> as the body's example and
    /// <paramref name="response"/> as the example of the <paramref name="status"/> response, written with the API's own JSON settings.
    /// </summary>
    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, object? request, object? response, int status = StatusCodes.Status200OK) =>
        builder.AddOpenApiOperationTransformer((operation, context, _) =>
        {
            var json = context.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            if (request is not null)
            {
                foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                {
                    media.Example = System.Text.Json.JsonSerializer.SerializeToNode(request, request.GetType(), json);
                }
            }
            if (response is not null && operation.Responses?.GetValueOrDefault(status.ToString(System.Globalization.CultureInfo.InvariantCulture)) is OpenApiResponse answer)
            {
                foreach (var media in answer.Content?.Values ?? [])
                {
                    media.Example = System.Text.Json.JsonSerializer.SerializeToNode(response, response.GetType(), json);
                }
            }
            return Task.CompletedTask;
        });

    private static RouteHandlerBuilder OnResponse(this RouteHandlerBuilder builder, int status, Action<OpenApiResponse> change) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            if (operation.Responses?.GetValueOrDefault(status.ToString()) is OpenApiResponse response)
            {
                change(response);
            }
            return Task.CompletedTask;
        });

    private static void Describe(OpenApiDocument document, OpenApiDocumentTransformerContext context, string serviceName)
    {
        document.Info.Title = $"WorkCentre {serviceName}";
        document.Info.Description =
            $"The {serviceName} service of WorkCentre. An operation that needs a bearer token (JWT) says so and names the roles " +
            "whose token it takes. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `type` URI and " +
            "a `traceId`; a 400 names each offending field in `errors`. An operation with an `Idempotency-Key` parameter can be " +
            "retried safely with the same key.";
        // The repository has no licence of its own; this says only that the API is not open source.
        document.Info.License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" };
        // The server is the address the document was fetched from; a trailing slash would double in every path.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        var descriptions = context.DescriptionGroups.SelectMany(g => g.Items)
            .SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<TagDescription>())
            .DistinctBy(t => t.Name);
        foreach (var described in descriptions)
        {
            document.Tags ??= new HashSet<OpenApiTag>();
            var tag = document.Tags.FirstOrDefault(t => t.Name == described.Name);
            if (tag is null)
            {
                document.Tags.Add(tag = new OpenApiTag { Name = described.Name });
            }
            tag.Description = described.Description;
        }
    }

    private sealed record TagDescription(string Name, string Description);

    private sealed record ReferenceTitle(string Title);
}

/// <summary>
/// Adds to each operation what the platform's middleware may answer for it, so that the document lists every
/// status a client can get: the bearer requirement with 401/403 where authorization applies (asked of the
/// authorization policy provider the way the middleware does, so a fallback policy counts too), 400 when the
/// body or a parameter can fail to bind, 404 when a route constraint can fail, 413/415 for bodies, 429 unless
/// rate limiting is off, the idempotency middleware's 400/409/422, and 500. Error responses are problem details.
/// </summary>
internal sealed class PlatformResponses : IOpenApiOperationTransformer
{
    private const string ProblemSchema = nameof(ProblemDetails);
    private const string ValidationProblemSchema = nameof(HttpValidationProblemDetails);

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document ?? throw new InvalidOperationException("The operation transformer runs without its document.");
        var api = context.Description;
        var metadata = api.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];
        var responses = new Responses(operation.Responses, document, new Dictionary<string, IOpenApiSchema>
        {
            [ProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken),
            [ValidationProblemSchema] = await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), null, cancellationToken),
        });

        var policy = await PolicyOfAsync(metadata, context.ApplicationServices);
        if (policy is null)
        {
            // An explicit "no authentication", which security-defined checks for.
            operation.Security = [new OpenApiSecurityRequirement()];
        }
        else
        {
            document.AddComponent<IOpenApiSecurityScheme>(OpenApiDocumentation.BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A staff member's token: `sub` (pseudonymous id), `role` (one or more) and `org` claims.",
            });
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiDocumentation.BearerScheme, document)] = [] }];
            responses.Shared(StatusCodes.Status401Unauthorized, "Unauthorized", "No bearer token, or one that is invalid or expired.");
            var roles = policy.Requirements.OfType<RolesAuthorizationRequirement>().Select(r => Or(r.AllowedRoles)).ToList();
            if (policy.Requirements.Any(r => r is not DenyAnonymousAuthorizationRequirement))
            {
                responses.Shared(StatusCodes.Status403Forbidden, "Forbidden", "The token is valid but its role may not do this.");
            }
            if (roles.Count > 0)
            {
                var needs = $"Needs a bearer token with the role {string.Join(", and ", roles)}.";
                operation.Description = operation.Description is { Length: > 0 } description ? $"{description}\n\n{needs}" : needs;
            }
        }

        if (CanFailBinding(api))
        {
            responses.Own(StatusCodes.Status400BadRequest, ValidationProblemSchema, "The body or a parameter could not be read or breaks a rule; `errors` names each field.");
        }
        if (api.ParameterDescriptions.Any(p => p.Source == BindingSource.Path && p.RouteInfo?.Constraints?.Any() == true))
        {
            responses.Own(StatusCodes.Status404NotFound, ProblemSchema, "A path parameter is not of the form the route takes.");
        }
        if (operation.RequestBody is not null)
        {
            if (metadata.OfType<IRequestSizeLimitMetadata>().LastOrDefault() is not { MaxRequestBodySize: null })
            {
                responses.Shared(StatusCodes.Status413PayloadTooLarge, "PayloadTooLarge", "The request body is over the size limit (64 KiB unless configured otherwise).");
            }
            responses.Shared(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", "The request body is not JSON (`application/json`).");
        }
        if (metadata.OfType<IdempotentEndpoint>().Any())
        {
            responses.Own(StatusCodes.Status400BadRequest, ValidationProblemSchema, "The Idempotency-Key header must be one key of 1 to 100 characters from A-Z, a-z, 0-9 and `_ - : .`.");
            responses.Own(StatusCodes.Status409Conflict, ProblemSchema, "A request with this Idempotency-Key is still being processed; retry later.");
            responses.Own(StatusCodes.Status422UnprocessableEntity, ProblemSchema, "This Idempotency-Key was used for a different request; use a new key for a new request.");
            responses.SuccessHeader(IdempotencyKeys.ReplayHeader, "`true` when this repeats the stored response of an earlier request with the same Idempotency-Key.");
        }
        if (!metadata.OfType<DisableRateLimitingAttribute>().Any())
        {
            responses.Shared(StatusCodes.Status429TooManyRequests, "TooManyRequests", "Too many requests from this staff member (or address) this minute; retry after `Retry-After` seconds.",
                ("Retry-After", "Seconds to wait before retrying."));
        }
        responses.Shared(StatusCodes.Status500InternalServerError, "InternalError", "An unexpected error; the problem's `traceId` finds it in the service's logs.");
        // UseStatusCodePages gives every empty error response a problem body, e.g. an endpoint's bare 404.
        responses.ProblemBodiesForEmptyErrors();
        responses.SortByStatus();
    }

    /// <summary>The policy the authorization middleware would apply, or null when the endpoint is anonymous.</summary>
    private static async Task<AuthorizationPolicy?> PolicyOfAsync(IList<object> metadata, IServiceProvider services)
    {
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return null;
        }
        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>());
        var requirements = metadata.OfType<IAuthorizationRequirementData>().SelectMany(d => d.GetRequirements()).ToList();
        if (requirements.Count > 0)
        {
            var required = new AuthorizationPolicyBuilder().AddRequirements([.. requirements]).Build();
            policy = policy is null ? required : AuthorizationPolicy.Combine(policy, required);
        }
        return policy;
    }

    /// <summary>Whether RequestExceptionHandler may answer 400: a body that may not parse, a parameter that may be missing or not parse.</summary>
    private static bool CanFailBinding(ApiDescription api) => api.ParameterDescriptions.Any(p =>
    {
        var type = Nullable.GetUnderlyingType(p.Type ?? typeof(string)) ?? p.Type ?? typeof(string);
        return p.Source == BindingSource.Body || p.Source == BindingSource.Form || p.Source == BindingSource.FormFile
            // A constrained path value that does not fit is routed nowhere (404), not bound.
            || (p.Source == BindingSource.Path && p.RouteInfo?.Constraints?.Any() != true && type != typeof(string))
            || ((p.Source == BindingSource.Query || p.Source == BindingSource.Header) && (p.IsRequired || type != typeof(string)));
    });

    private static string Or(IEnumerable<string> roles)
    {
        var all = roles.ToList();
        return all.Count == 1 ? all[0] : $"{string.Join(", ", all[..^1])} or {all[^1]}";
    }

    /// <summary>An operation's responses: shared ones by reference to one component each, the endpoint's own extended in place.</summary>
    private sealed class Responses(OpenApiResponses responses, OpenApiDocument document, Dictionary<string, IOpenApiSchema> schemas)
    {
        public void Shared(int status, string id, string description, params (string Name, string Description)[] headers)
        {
            var code = status.ToString();
            if (responses.TryGetValue(code, out var declared))
            {
                Extend(status, declared, ProblemSchema, description);
                return;
            }
            document.AddComponent<IOpenApiResponse>(id, new OpenApiResponse
            {
                Description = description,
                Content = Problem(ProblemSchema),
                Headers = headers.Length == 0 ? null : headers.ToDictionary(h => h.Name, h => (IOpenApiHeader)new OpenApiHeader
                {
                    Description = h.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
                }),
            });
            responses[code] = new OpenApiResponseReference(id, document);
        }

        public void Own(int status, string schema, string description)
        {
            var code = status.ToString();
            if (responses.TryGetValue(code, out var declared))
            {
                Extend(status, declared, schema, description);
                return;
            }
            responses[code] = new OpenApiResponse { Description = description, Content = Problem(schema) };
        }

        public void SuccessHeader(string name, string description)
        {
            foreach (var response in responses.Where(r => r.Key.StartsWith('2')).Select(r => r.Value).OfType<OpenApiResponse>())
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
        }

        public void ProblemBodiesForEmptyErrors()
        {
            foreach (var (code, response) in responses)
            {
                if ((code[0] is '4' or '5') && response is OpenApiResponse { Content: null or { Count: 0 } } empty)
                {
                    empty.Content = Problem(ProblemSchema);
                }
            }
        }

        public void SortByStatus()
        {
            var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
            responses.Clear();
            foreach (var (code, response) in sorted)
            {
                responses[code] = response;
            }
        }

        /// <summary>Adds a reason to a status the endpoint declared itself; a bare reason phrase gives way to it.</summary>
        private void Extend(int status, IOpenApiResponse declared, string schema, string description)
        {
            if (declared is not OpenApiResponse response)
            {
                return;
            }
            var generic = string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(status);
            response.Description = generic ? description
                : response.Description!.Contains(description, StringComparison.Ordinal) ? response.Description
                : $"{response.Description} {description}";
            if (response.Content is null or { Count: 0 })
            {
                response.Content = Problem(schema);
            }
        }

        /// <summary>Problem content; its schema becomes a component once something uses it (an unused one is a lint warning).</summary>
        private Dictionary<string, OpenApiMediaType> Problem(string schema)
        {
            if (document.Components?.Schemas?.ContainsKey(schema) != true)
            {
                document.AddComponent(schema, schemas[schema]);
            }
            return new() { [OpenApiDocumentation.ProblemContentType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema, document) } };
        }
    }
}
