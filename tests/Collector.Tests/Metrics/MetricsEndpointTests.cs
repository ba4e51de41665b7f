using System.Diagnostics;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Observability.Collector.Otlp.Proto.Collector.Logs.V1;
using Observability.Collector.Otlp.Proto.Collector.Metrics.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Logs.V1;
using Observability.Collector.Otlp.Proto.Metrics.V1;
using Observability.Collector.Tests.Infrastructure;
using Observability.Collector.Tests.Otlp;
using Observability.Tests.Shared;
using ProtoLogRecord = Observability.Collector.Otlp.Proto.Logs.V1.LogRecord;

namespace Observability.Collector.Tests.Metrics;

/// <summary>
/// /metrics counts exactly what was sent, accepted and refused, and is valid for Prometheus (promtool agrees);
/// /healthz and /readyz answer on the API listener.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string PromtoolMissing = "promtool not found: install Debian's prometheus package (apt-get install -y prometheus)";

    [Fact]
    public async Task Metrics_count_every_item_and_refusal_exactly()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        // Traces: 5 spans over HTTP of which 2 have an 8-byte trace id; 3 over gRPC of which 1 has a zero span id.
        var (httpTraces, _) = OtlpRequests.Trace(5);
        httpTraces.ResourceSpans[0].ScopeSpans[0].Spans[3].TraceId = ByteString.CopyFrom(new byte[8]);
        httpTraces.ResourceSpans[0].ScopeSpans[0].Spans[4].TraceId = ByteString.CopyFrom([1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Equal(2, (await client.ExportAsync(httpTraces, OtlpTransport.Http)).PartialSuccess.RejectedSpans);
        var (grpcTraces, _) = OtlpRequests.Trace(3);
        grpcTraces.ResourceSpans[0].ScopeSpans[0].Spans[2].SpanId = ByteString.CopyFrom(new byte[8]);
        Assert.Equal(1, (await client.ExportAsync(grpcTraces, OtlpTransport.Grpc)).PartialSuccess.RejectedSpans);
        // Logs: 3 records of which 1 has a 5-byte trace id.
        Assert.Equal(1, (await client.ExportAsync(Logs(), OtlpTransport.Http)).PartialSuccess.RejectedLogRecords);
        // Metrics: 3 points of which 1 belongs to a metric without a name.
        Assert.Equal(1, (await client.ExportAsync(Metrics(), OtlpTransport.Grpc)).PartialSuccess.RejectedDataPoints);
        // Whole requests refused: malformed traces over HTTP and over gRPC, and logs as text/plain.
        byte[] malformed = [0x0A, 0x64, 0x01];
        using (var response = await client.PostAsync("traces", OtlpClient.Content(malformed, "application/x-protobuf")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        var grpcError = await Assert.ThrowsAsync<RpcException>(() => client.Grpc.AsyncUnaryCall(OtlpGrpcMethods.RawTraces, null, client.CallOptions(), malformed).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, grpcError.StatusCode);
        using (var response = await client.PostAsync("logs", OtlpClient.Content("hello"u8.ToArray(), "text/plain")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        var scrape = await ScrapeAsync(host);

        Assert.Equal(new Dictionary<string, double>
        {
            ["""otlp_items_received_total{signal="traces"}"""] = 8,
            ["""otlp_items_received_total{signal="logs"}"""] = 3,
            ["""otlp_items_received_total{signal="metrics"}"""] = 3,
            ["""otlp_items_accepted_total{signal="traces"}"""] = 5,
            ["""otlp_items_accepted_total{signal="logs"}"""] = 2,
            ["""otlp_items_accepted_total{signal="metrics"}"""] = 2,
            ["""otlp_items_rejected_total{reason="invalid_trace_id",signal="traces"}"""] = 2,
            ["""otlp_items_rejected_total{reason="invalid_span_id",signal="traces"}"""] = 1,
            ["""otlp_items_rejected_total{reason="invalid_trace_id",signal="logs"}"""] = 1,
            ["""otlp_items_rejected_total{reason="missing_metric_name",signal="metrics"}"""] = 1,
            ["""otlp_requests_rejected_total{reason="malformed",signal="traces"}"""] = 2,
            ["""otlp_requests_rejected_total{reason="unsupported_media_type",signal="logs"}"""] = 1,
        }.OrderBy(series => series.Key), scrape.SeriesStartingWith("otlp_").OrderBy(series => series.Key));

        // Four exports stored something, one commit each, of 9 items in all.
        Assert.Equal(4, scrape.Value("ingest_batch_items_count"));
        Assert.Equal(9, scrape.Value("ingest_batch_items_sum"));
        Assert.Equal(4, scrape.Value("storage_commit_duration_seconds_count"));
        Assert.Equal("gauge", scrape.Types["ingest_queue_items"]);
        Assert.NotNull(scrape.Value("ingest_queue_items"));
        Assert.Equal("histogram", scrape.Types["http_request_duration_seconds"]);
        Assert.Contains(scrape.Samples, sample => sample.Name == "http_request_duration_seconds_count" && sample.Value > 0);
    }

    [Fact]
    public async Task Refusals_made_before_decoding_are_counted_too()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, new Dictionary<string, string?> { ["Collector:MaxRequestBytes"] = "65536" });
        using var client = new OtlpClient(host);
        using var precompressed = new OtlpClient(host, compressionProviders: [new PrecompressedGzipProvider()]);
        var (oversized, _) = OtlpRequests.Trace(1);
        oversized.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes.Add(new KeyValue { Key = "padding", Value = new AnyValue { StringValue = new string('x', 70_000) } });

        using (var response = await client.PostAsync("traces", OtlpRequests.Protobuf(oversized)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        // gRPC refuses these two itself, before the Collector's receiver sees the message.
        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => client.ExportAsync(oversized, OtlpTransport.Grpc));
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);
        var corrupt = await Assert.ThrowsAsync<RpcException>(() => precompressed.Grpc.AsyncUnaryCall(OtlpGrpcMethods.RawTraces, null,
            precompressed.CallOptions((OtlpClient.GrpcRequestCompressionHeader, "gzip")), OtlpClient.CorruptGzip(OtlpRequests.Trace(1).Request.ToByteArray())).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, corrupt.StatusCode);

        var scrape = await ScrapeAsync(host);

        Assert.Equal(new Dictionary<string, double>
        {
            ["""otlp_requests_rejected_total{reason="too_large",signal="traces"}"""] = 2,
            ["""otlp_requests_rejected_total{reason="malformed",signal="traces"}"""] = 1,
        }.OrderBy(series => series.Key), scrape.SeriesStartingWith("otlp_").OrderBy(series => series.Key));
    }

    [Fact]
    public async Task Promtool_finds_the_metrics_valid()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        // Traffic first, so that every labelled series and histogram of the Collector is exposed.
        await client.AssertStillServesAsync();
        using (var response = await client.PostAsync("traces", OtlpClient.Content([0x0A, 0x64, 0x01], "application/x-protobuf")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        var (partlyInvalid, _) = OtlpRequests.Trace(2);
        partlyInvalid.ResourceSpans[0].ScopeSpans[0].Spans[1].TraceId = ByteString.Empty;
        await client.ExportAsync(partlyInvalid, OtlpTransport.Http);
        var scrape = await ScrapeAsync(host);
        Assert.Contains("otlp_items_rejected_total", scrape.Types.Keys);

        var (exitCode, output) = await RunPromtoolAsync(scrape.Text);

        Assert.True(exitCode == 0, $"promtool check metrics exited with {exitCode}:\n{output}");
    }

    [Fact]
    public async Task Healthz_and_readyz_answer_on_the_api_listener()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var http = new HttpClient { BaseAddress = new Uri(host.ApiUrl) };

        using var healthz = await http.GetAsync("/healthz");
        using var readyz = await http.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal("alive\n", await healthz.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Equal("ready: sqlite storage reachable, schema current\n", await readyz.Content.ReadAsStringAsync());
    }

    private static async Task<PrometheusScrape> ScrapeAsync(CollectorHost host)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{host.ApiUrl}/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<(int ExitCode, string Output)> RunPromtoolAsync(string metricsText)
    {
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        Assert.True(promtool is not null, PromtoolMissing);
        var start = new ProcessStartInfo(promtool!)
        {
            ArgumentList = { "check", "metrics" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metricsText);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static ExportLogsServiceRequest Logs()
    {
        var scopeLogs = new ScopeLogs();
        for (var i = 0; i < 3; i++)
        {
            scopeLogs.LogRecords.Add(new ProtoLogRecord
            {
                TimeUnixNano = (ulong)TelemetryBuilder.BaseTimeUnixNanos + (ulong)i,
                Body = new AnyValue { StringValue = $"log {i}" },
                TraceId = i == 2 ? ByteString.CopyFrom([1, 2, 3, 4, 5]) : ByteString.Empty,
            });
        }
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { ScopeLogs = { scopeLogs } } } };
    }

    private static ExportMetricsServiceRequest Metrics()
    {
        var time = (ulong)TelemetryBuilder.BaseTimeUnixNanos;
        return new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    ScopeMetrics =
                    {
                        new ScopeMetrics
                        {
                            Metrics =
                            {
                                new Metric { Name = "queue.depth", Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = time, AsInt = 4 }, new NumberDataPoint { TimeUnixNano = time + 1, AsInt = 5 } } } },
                                new Metric { Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = time, AsInt = 1 } } } },
                            },
                        },
                    },
                },
            },
        };
    }
}
