using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WorkCentre.ServiceDefaults.Idempotency;

/// <summary>Marks an endpoint whose creating requests honour an <c>Idempotency-Key</c>.</summary>
internal sealed class IdempotentEndpoint
{
    public static readonly IdempotentEndpoint Instance = new();
}

/// <summary>
/// Runs a keyed request once and replays its stored response to repeats. Done as middleware rather than
/// an endpoint filter so that it sees the raw body (for the hash) and the exact bytes the endpoint wrote,
/// whatever kind of result the endpoint returned.
/// </summary>
internal sealed partial class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, ILogger<IdempotencyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpoint>() is null
            || !context.Request.Headers.TryGetValue(IdempotencyKeys.Header, out var values))
        {
            await next(context);
            return;
        }
        if (values.Count != 1 || !KeyFormat().IsMatch(values[0]!))
        {
            await new Validation()
                .Add(IdempotencyKeys.Header, "Use one key of 1 to 100 characters from A-Z, a-z, 0-9 and _ - : .")
                .Problem().ExecuteAsync(context);
            return;
        }

        var key = values[0]!;
        // The concrete path, not the route pattern: one key must not replay a creation under another parent.
        var endpoint = $"{context.Request.Method} {context.Request.Path}";
        var claim = await store.ClaimAsync(key, endpoint, await FingerprintAsync(context), context.RequestAborted);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Completed:
                await ReplayAsync(context, claim.Response!);
                return;
            case ClaimOutcome.Mismatch:
                await TypedResults.Problem(
                    "This Idempotency-Key was used for a different request; use a new key for a new request.",
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    title: "Idempotency-Key reused.",
                    type: ProblemTypes.IdempotencyKeyReused).ExecuteAsync(context);
                return;
            case ClaimOutcome.InFlight:
                await Problems.Conflict("A request with this Idempotency-Key is still being processed; retry later.").ExecuteAsync(context);
                return;
            default:
                await RunOnceAsync(context, key, endpoint);
                return;
        }
    }

    private async Task RunOnceAsync(HttpContext context, string key, string endpoint)
    {
        var response = context.Response;
        var real = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        var capture = new StreamResponseBodyFeature(buffer, real);
        context.Features.Set<IHttpResponseBodyFeature>(capture);
        var succeeded = false;
        try
        {
            await next(context);
            await capture.Writer.FlushAsync(CancellationToken.None);
            succeeded = response.StatusCode is >= 200 and < 300;
        }
        finally
        {
            context.Features.Set(real);
            // Only a success is remembered: a failed request created nothing, so a retry may run again.
            if (!succeeded)
            {
                await Quietly(store.ReleaseAsync(key, endpoint), "release");
            }
        }
        if (succeeded)
        {
            // The creation happened: the client gets its response even if it cannot be remembered.
            await Quietly(store.CompleteAsync(key, endpoint, new StoredResponse(response.StatusCode, buffer.ToArray(), response.ContentType, response.Headers.Location)), "store");
        }
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>A key left pending by a database failure expires on its own (see IdempotencyStore); the request's outcome stands.</summary>
    private async Task Quietly(Task work, string what)
    {
        try
        {
            await work;
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "Could not {What} an idempotency key", what);
        }
    }

    private static async Task ReplayAsync(HttpContext context, StoredResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.StatusCode;
        response.ContentType = stored.ContentType;
        if (stored.Location is not null)
        {
            response.Headers.Location = stored.Location;
        }
        response.Headers[IdempotencyKeys.ReplayHeader] = "true";
        await response.Body.WriteAsync(stored.Body, context.RequestAborted);
    }

    /// <summary>Hash of who sent the request and its body: another staff member's request with the same key is a different request.</summary>
    private static async Task<byte[]> FingerprintAsync(HttpContext context)
    {
        var request = context.Request;
        // Bodies are capped (RequestSizeLimit), so they can stay in memory.
        request.EnableBuffering(bufferThreshold: 1024 * 1024);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes((context.User.FindFirst(StaffClaims.Subject)?.Value ?? "") + "\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            hash.AppendData(chunk, 0, read);
        }
        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }

    [GeneratedRegex("^[A-Za-z0-9_:.-]{1,100}$")]
    private static partial Regex KeyFormat();
}
