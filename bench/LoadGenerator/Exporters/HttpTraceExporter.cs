using System.Net;
using System.Net.Http.Headers;
using Observability.Collector.Otlp.Proto.Collector.Trace.V1;

namespace Observability.Bench.LoadGenerator.Exporters;

/// <summary>OTLP/HTTP: POST of application/x-protobuf over HTTP/1.1, as the OpenTelemetry SDKs' http/protobuf exporters send it.</summary>
internal sealed class HttpTraceExporter : ITraceExporter
{
    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly string? _apiKeyHeader;
    private readonly string? _apiKey;

    public HttpTraceExporter(Uri uri, string? apiKeyHeader, string? apiKey, TimeSpan timeout)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            MaxConnectionsPerServer = 1,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = timeout,
        };
        _uri = uri;
        _apiKeyHeader = apiKeyHeader;
        _apiKey = apiKey;
    }

    public async Task<ExportResult> ExportAsync(byte[] payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _uri) { Content = new ByteArrayContent(payload) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (_apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(_apiKeyHeader!, _apiKey);
        }
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var retryAfter = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                    ? response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1)
                    : (TimeSpan?)null;
                return new ExportResult($"HTTP {(int)response.StatusCode}", 0, retryAfter);
            }
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var rejected = body.Length == 0 || response.Content.Headers.ContentType?.MediaType != "application/x-protobuf"
                ? 0
                : ExportTraceServiceResponse.Parser.ParseFrom(body).PartialSuccess?.RejectedSpans ?? 0;
            return new ExportResult(ExportResult.Ok, rejected, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ExportResult(ExportResult.Timeout, 0, null);
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            return new ExportResult($"HTTP error {error.HttpRequestError}", 0, null);
        }
    }

    public void Dispose() => _client.Dispose();
}
