using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace WorkCentre.ServiceDefaults.Idempotency;

/// <summary>Marks an endpoint whose creating requests honour an <c>Idempotency-Key</c>.</summary>
internal sealed record IdempotentEndpoint(IdempotentReplay Replay);

/// <summary>
/// Runs a keyed request once and replays its stored response to repeats. Done as middleware rather than
/// an endpoint filter so that it sees the raw body (for the hash) and the exact bytes the endpoint wrote,
/// whatever kind of result the endpoint returned.
/// </summary>
internal sealed partial class IdempotencyMiddleware(RequestDelegate next, IdempotencyStore store, ILogger<IdempotencyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpoint>() is not { } idempotent
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

        // The concrete path, not the route pattern: one key must not replay a creation under another parent.
        var scope = new IdempotencyScope(context.User.FindFirst(StaffClaims.Subject)?.Value ?? "", values[0]!, $"{context.Request.Method} {context.Request.Path}");
        await using var claim = await store.ClaimAsync(scope, await FingerprintAsync(context), context.RequestAborted);
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
                await RunOnceAsync(context, claim, idempotent.Replay);
                return;
        }
    }

    private async Task RunOnceAsync(HttpContext context, IdempotencyStore.IdempotencyClaim claim, IdempotentReplay replay)
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
                await Quietly(claim.ReleaseAsync(), "release");
            }
        }
        if (succeeded)
        {
            // A body that may hold personal data is not kept: the repeat gets the status and Location only.
            var body = replay == IdempotentReplay.StoredResponse ? buffer.ToArray() : [];
            var contentType = replay == IdempotentReplay.StoredResponse ? response.ContentType : null;
            // The creation happened: the client gets its response even if it cannot be remembered.
            await Quietly(StoreAsync(claim, new StoredResponse(response.StatusCode, body, contentType, response.Headers.Location)), "store");
        }
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>A key left pending by a database failure may be taken over by a retry (see IdempotencyStore); the request's outcome stands.</summary>
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

    private async Task StoreAsync(IdempotencyStore.IdempotencyClaim claim, StoredResponse response)
    {
        if (!await claim.CompleteAsync(response))
        {
            logger.LogWarning("An idempotency key was taken over while its request ran; its response is not stored");
        }
    }

    private static async Task ReplayAsync(HttpContext context, StoredResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.StatusCode;
        if (stored.ContentType is not null)
        {
            response.ContentType = stored.ContentType;
        }
        if (stored.Location is not null)
        {
            response.Headers.Location = stored.Location;
        }
        response.Headers[IdempotencyKeys.ReplayHeader] = "true";
        await response.Body.WriteAsync(stored.Body, context.RequestAborted);
    }

    /// <summary>Hash of the request's query string and body: a repeat with either changed is a different request.</summary>
    private static async Task<byte[]> FingerprintAsync(HttpContext context)
    {
        var request = context.Request;
        // Bodies are capped (RequestSizeLimit), so they can stay in memory.
        request.EnableBuffering(bufferThreshold: 1024 * 1024);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.QueryString.Value + "\n"));
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
