using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;
using WorkCentre.ServiceDefaults.Idempotency;

namespace WorkCentre.ServiceDefaults;

/// <summary>What a repeated keyed request gets back.</summary>
public enum IdempotentReplay
{
    /// <summary>The first response: status, body and Location. For bodies without personal data.</summary>
    StoredResponse,

    /// <summary>The first response's status and Location without its body, which is never stored.</summary>
    StatusAndLocation,
}

public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set to "true" on a response that repeats the stored response of an earlier request with the same key.</summary>
    public const string ReplayHeader = "Idempotent-Replay";

    /// <summary>
    /// Lets clients retry a creating request safely: a request with an <c>Idempotency-Key</c> header runs once
    /// per caller and key, and its successful response is replayed to that caller's repeats for 24 hours.
    /// Requires an <c>NpgsqlDataSource</c> in DI (the service's own database).
    /// </summary>
    /// <param name="replay">What a repeat gets back; a response that may hold personal data is not stored.</param>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder, IdempotentReplay replay = IdempotentReplay.StoredResponse) =>
        builder.WithMetadata(new IdempotentEndpoint(replay)).AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = Header,
                In = ParameterLocation.Header,
                Description = "Makes retries safe: repeats with the same key and body get the first response.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 },
            });
            return Task.CompletedTask;
        });
}
