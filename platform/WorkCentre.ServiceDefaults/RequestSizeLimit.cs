using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Configuration;

namespace WorkCentre.ServiceDefaults;

/// <summary>
/// Caps request bodies at <c>Http:MaxRequestBodyBytes</c> (64 KiB unless configured; an endpoint's
/// <c>[RequestSizeLimit]</c> metadata wins). Kestrel enforces the cap through its feature, but the test
/// server does not, so the cap is also checked here: a declared Content-Length over it is refused before
/// anything runs, and a chunked body fails with a 413 as soon as reading passes it.
/// </summary>
internal sealed class RequestSizeLimit(RequestDelegate next, IConfiguration configuration)
{
    public const long DefaultMaxRequestBodyBytes = 64 * 1024;

    private readonly long configured = configuration.GetValue("Http:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);

    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>();
        var limit = metadata is null ? configured : metadata.MaxRequestBodySize;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = limit;
        }
        if (limit is not { } max || context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            await next(context);
            return;
        }
        if (context.Request.ContentLength > max)
        {
            throw TooLarge(max);
        }
        context.Request.Body = new CappedStream(context.Request.Body, max);
        await next(context);
    }

    internal static BadHttpRequestException TooLarge(long max) =>
        new($"The request body is larger than {max} bytes.", StatusCodes.Status413PayloadTooLarge);

    /// <summary>Reads through to the request body and throws a 413 once more than the cap has been read.</summary>
    private sealed class CappedStream(Stream inner, long max) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int n)
        {
            read += n;
            return read > max ? throw TooLarge(max) : n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
