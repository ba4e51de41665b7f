using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Observability.Collector.Hosting;

namespace Observability.Collector.Otlp.Http;

/// <summary>
/// OTLP/HTTP: POST /v1/traces, /v1/metrics, /v1/logs in protobuf or JSON, optionally gzip-compressed, answered in
/// the request's encoding. Refusals carry a google.rpc.Status body whose message names the problem.
/// </summary>
public sealed class OtlpHttpReceiver
{
    private static readonly JsonFormatter ResponseFormatter = new(JsonFormatter.Settings.Default);
    private readonly OtlpApiKeyValidator _apiKeys;
    private readonly long _maxRequestBytes;
    private readonly int _retryAfterSeconds;

    public OtlpHttpReceiver(OtlpApiKeyValidator apiKeys, IOptions<CollectorOptions> options)
    {
        _apiKeys = apiKeys;
        _maxRequestBytes = options.Value.MaxRequestBytes;
        _retryAfterSeconds = options.Value.Ingest.RetryAfterSeconds;
    }

    public async Task HandleAsync<TRequest, TResponse>(HttpContext context, OtlpSignalService<TRequest, TResponse> service)
        where TRequest : IMessage<TRequest>, new()
        where TResponse : IMessage<TResponse>
    {
        var encoding = OtlpEncoding.Protobuf;
        try
        {
            encoding = EncodingOf(context.Request);
            _apiKeys.Check(context.Request.Headers);
            var response = await service.ExportAsync(cancellationToken => ReadBodyAsync(context.Request, cancellationToken), encoding, context.RequestAborted);
            await WriteAsync(context, StatusCodes.Status200OK, response, encoding);
        }
        catch (OtlpExportException refusal)
        {
            service.CountRefusal(refusal);
            if (refusal.IsRetryable)
            {
                context.Response.Headers.RetryAfter = _retryAfterSeconds.ToString();
            }
            var status = new Google.Rpc.Status { Code = (int)refusal.GrpcStatus, Message = refusal.Message };
            await WriteAsync(context, refusal.HttpStatus, status, encoding);
        }
    }

    private static OtlpEncoding EncodingOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType))
        {
            throw new OtlpExportException(OtlpRefusal.UnsupportedMediaType,
                $"Content-Type '{request.ContentType}' is not supported; send application/x-protobuf or application/json.");
        }
        if (mediaType.MediaType.Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase))
        {
            return OtlpEncoding.Protobuf;
        }
        if (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return OtlpEncoding.Json;
        }
        throw new OtlpExportException(OtlpRefusal.UnsupportedMediaType,
            $"Content-Type '{request.ContentType}' is not supported; send application/x-protobuf or application/json.");
    }

    /// <summary>
    /// Reads the body, inflating gzip on the fly, and stops one byte past the limit: the limit applies to the
    /// decompressed size, and a compression bomb costs at most the limit in memory.
    /// </summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > _maxRequestBytes)
        {
            throw TooLarge();
        }
        var contentEncoding = request.Headers.ContentEncoding.ToString();
        Stream body = contentEncoding switch
        {
            "" or "identity" => request.Body,
            _ when contentEncoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            _ => throw new OtlpExportException(OtlpRefusal.UnsupportedMediaType, $"Content-Encoding '{contentEncoding}' is not supported; send gzip or no encoding."),
        };
        await using (body.ConfigureAwait(false))
        {
            var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 16 * 1024, _maxRequestBytes) + 1);
            try
            {
                while (true)
                {
                    var read = await body.ReadAsync(buffer.GetMemory(16 * 1024), cancellationToken);
                    if (read == 0)
                    {
                        return buffer.WrittenMemory;
                    }
                    buffer.Advance(read);
                    if (buffer.WrittenCount > _maxRequestBytes)
                    {
                        throw TooLarge();
                    }
                }
            }
            catch (InvalidDataException error)
            {
                throw new OtlpExportException(OtlpRefusal.Malformed, $"The body is not valid gzip: {error.Message}", error);
            }
        }
    }

    private OtlpExportException TooLarge() =>
        new(OtlpRefusal.TooLarge, $"The request body exceeds the limit of {_maxRequestBytes} bytes after decompression (Collector:MaxRequestBytes).");

    private static async Task WriteAsync(HttpContext context, int statusCode, IMessage message, OtlpEncoding encoding)
    {
        context.Response.StatusCode = statusCode;
        if (encoding == OtlpEncoding.Json)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ResponseFormatter.Format(message));
        }
        else
        {
            context.Response.ContentType = "application/x-protobuf";
            await context.Response.Body.WriteAsync(message.ToByteArray());
        }
    }
}
