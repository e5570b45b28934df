using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.OpenApi;
using WorkCentre.ServiceDefaults.Idempotency;

namespace WorkCentre.ServiceDefaults;

public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set to "true" on a response that repeats the stored response of an earlier request with the same key.</summary>
    public const string ReplayHeader = "Idempotent-Replay";

    /// <summary>
    /// Lets clients retry a creating request safely: a request with an <c>Idempotency-Key</c> header runs once
    /// and its successful response (status, body, Location) is replayed to repeats for 24 hours. Requires an
    /// <c>NpgsqlDataSource</c> in DI (the service's own database).
    /// </summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(IdempotentEndpoint.Instance).AddOpenApiOperationTransformer((operation, _, _) =>
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
