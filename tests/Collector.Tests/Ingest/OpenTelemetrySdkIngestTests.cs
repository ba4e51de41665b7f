using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using CoreSpanKind = Observability.Core.Telemetry.SpanKind;
using MetricType = Observability.Core.Telemetry.MetricType;
using AggregationTemporality = Observability.Core.Telemetry.AggregationTemporality;

namespace Observability.Collector.Tests.Ingest;

/// <summary>
/// The real OpenTelemetry .NET SDK exports to the Collector over gRPC and over http/protobuf; every field is read
/// back from storage. The SDK's exporters here are synchronous, and the Collector answers only after the commit,
/// so the data must be readable the moment the export returns.
/// </summary>
public abstract class OpenTelemetrySdkIngestTests
{
    protected abstract Task<TestStorage> CreateStorageAsync();

    private async Task<(CollectorHost Host, TestStorage Storage)> StartAsync()
    {
        var storage = await CreateStorageAsync();
        return (await CollectorHost.StartAsync(storage), storage);
    }

    private static ResourceBuilder TestResource() => ResourceBuilder.CreateEmpty()
        .AddService("sdk-test-service", serviceVersion: "3.1.0", serviceInstanceId: "instance-7")
        .AddAttributes(new Dictionary<string, object> { ["deployment.environment.name"] = "test", ["host.cpu.count"] = 2 });

    private static void Configure(OtlpExporterOptions options, CollectorHost host, OtlpExportProtocol protocol, string signal)
    {
        options.Protocol = protocol;
        options.Endpoint = protocol == OtlpExportProtocol.Grpc ? new Uri(host.GrpcUrl) : new Uri($"{host.HttpUrl}/v1/{signal}");
        options.ExportProcessorType = ExportProcessorType.Simple;
        options.TimeoutMilliseconds = 10_000;
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Spans_are_stored_with_every_field(OtlpExportProtocol protocol)
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;
        // Unique names: test classes run in parallel, and a provider listens to every source or meter of its name.
        using var source = new ActivitySource($"Observability.Tests.Sdk.{Guid.NewGuid():N}", "2.0.0");
        using (var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(TestResource())
            .AddSource(source.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(options => Configure(options, host, protocol, "traces"))
            .Build())
        {
            var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
            Activity parent;
            Activity child;
            using (parent = source.StartActivity("POST /checkout", ActivityKind.Server)!)
            {
                parent.SetTag("http.request.method", "POST");
                parent.SetTag("http.response.status_code", 201);
                parent.SetTag("checkout.ratio", 0.5);
                parent.SetTag("checkout.cached", true);
                parent.SetTag("checkout.items", new[] { "book", "pen" });
                using (child = source.StartActivity("SELECT orders", ActivityKind.Client, parent.Context, links: [new ActivityLink(linked, new ActivityTagsCollection { ["link.reason"] = "retry" })])!)
                {
                    child.SetTag("db.system.name", "postgresql");
                    child.AddEvent(new ActivityEvent("cache.miss", tags: new ActivityTagsCollection { ["cache.key"] = "orders:42" }));
                    child.SetStatus(ActivityStatusCode.Error, "timeout");
                }
            }

            var stored = await host.Store.GetTraceAsync(TraceIds.FromHex(parent.TraceId.ToHexString()), CancellationToken.None);

            Assert.Equal(2, stored.Count);
            var root = Assert.Single(stored, s => s.Name == "POST /checkout");
            var db = Assert.Single(stored, s => s.Name == "SELECT orders");
            Assert.Equal(CoreSpanKind.Server, root.Kind);
            Assert.Equal(CoreSpanKind.Client, db.Kind);
            Assert.Equal(parent.SpanId.ToHexString(), TraceIds.ToHex(root.SpanId));
            Assert.Empty(root.ParentSpanId);
            Assert.Equal(root.SpanId, db.ParentSpanId);
            Assert.Equal(ToUnixNanos(parent.StartTimeUtc), root.StartUnixNanos);
            Assert.Equal(parent.Duration.Ticks * 100, root.DurationNanos);
            Assert.Equal(1u, root.Flags & 0xFF);

            var attributes = Attributes(root.AttributesJson);
            Assert.Equal("POST", attributes["http.request.method"]);
            Assert.Equal(201L, attributes["http.response.status_code"]);
            Assert.Equal(0.5, attributes["checkout.ratio"]);
            Assert.Equal(true, attributes["checkout.cached"]);
            Assert.Equal(new List<object?> { "book", "pen" }, attributes["checkout.items"]);

            Assert.Equal(SpanStatusCode.Error, db.StatusCode);
            Assert.Equal("timeout", db.StatusMessage);
            var spanEvent = Assert.Single(System.Text.Json.JsonDocument.Parse(db.EventsJson).RootElement.EnumerateArray());
            Assert.Equal("cache.miss", spanEvent.GetProperty("name").GetString());
            Assert.Equal("orders:42", spanEvent.GetProperty("attributes").GetProperty("cache.key").GetString());
            var link = Assert.Single(System.Text.Json.JsonDocument.Parse(db.LinksJson).RootElement.EnumerateArray());
            Assert.Equal(linked.TraceId.ToHexString(), link.GetProperty("traceId").GetString());
            Assert.Equal(linked.SpanId.ToHexString(), link.GetProperty("spanId").GetString());
            Assert.Equal("retry", link.GetProperty("attributes").GetProperty("link.reason").GetString());

            Assert.Equal("sdk-test-service", root.Resource.ServiceName);
            var resource = Attributes(root.Resource.AttributesJson);
            Assert.Equal("instance-7", resource["service.instance.id"]);
            Assert.Equal("3.1.0", resource["service.version"]);
            Assert.Equal(2L, resource["host.cpu.count"]);
            Assert.Equal(source.Name, root.Scope.Name);
            Assert.Equal("2.0.0", root.Scope.Version);
        }
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Metrics_of_every_sdk_instrument_are_stored(OtlpExportProtocol protocol)
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;
        using var meter = new Meter($"Observability.Tests.Meter.{Guid.NewGuid():N}", "1.4.0");
        var orders = meter.CreateCounter<long>("shop.orders", "{order}", "Orders placed");
        var duration = meter.CreateHistogram<double>("shop.checkout.duration", "ms", "Checkout duration");
        var exponential = meter.CreateHistogram<double>("shop.checkout.duration.exponential", "ms");
        var sessions = meter.CreateUpDownCounter<int>("shop.sessions.active", "{session}");
        meter.CreateObservableGauge("shop.queue.depth", () => new Measurement<double>(12.5, new KeyValuePair<string, object?>("queue", "orders")));

        using var meterProvider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(TestResource())
            .AddMeter(meter.Name)
            .AddView("shop.checkout.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [10, 100] })
            .AddView("shop.checkout.duration.exponential", new Base2ExponentialBucketHistogramConfiguration())
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, host, protocol, "metrics");
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
            })
            .Build();

        orders.Add(3, new KeyValuePair<string, object?>("region", "eu"));
        orders.Add(2, new KeyValuePair<string, object?>("region", "eu"));
        foreach (var value in new[] { 5.0, 50.0, 500.0 })
        {
            duration.Record(value);
            exponential.Record(value);
        }
        sessions.Add(4);
        sessions.Add(-1);
        Assert.True(meterProvider.ForceFlush(10_000));

        var counter = Assert.Single(await Points(host, "shop.orders"));
        Assert.Equal(MetricType.Sum, counter.Type);
        Assert.True(counter.IsMonotonic);
        Assert.Equal(AggregationTemporality.Cumulative, counter.Temporality);
        Assert.Equal(5L, counter.IntValue);
        Assert.Equal("{order}", counter.Unit);
        Assert.Equal("Orders placed", counter.Description);
        Assert.Equal("eu", Attributes(counter.AttributesJson)["region"]);
        Assert.True(counter.StartTimeUnixNanos > 0 && counter.StartTimeUnixNanos <= counter.TimeUnixNanos);
        Assert.Equal("sdk-test-service", counter.Resource.ServiceName);
        Assert.Equal(meter.Name, counter.Scope.Name);

        var histogram = Assert.Single(await Points(host, "shop.checkout.duration"));
        Assert.Equal(MetricType.Histogram, histogram.Type);
        Assert.Equal(3UL, histogram.Count);
        Assert.Equal(555.0, histogram.Sum);
        Assert.Equal(5.0, histogram.Min);
        Assert.Equal(500.0, histogram.Max);
        JsonAssert.Equivalent("""{"bucketCounts":[1,1,1],"explicitBounds":[10.0,100.0]}""", histogram.DataJson);

        var exponentialPoint = Assert.Single(await Points(host, "shop.checkout.duration.exponential"));
        Assert.Equal(MetricType.ExponentialHistogram, exponentialPoint.Type);
        Assert.Equal(3UL, exponentialPoint.Count);
        using (var data = System.Text.Json.JsonDocument.Parse(exponentialPoint.DataJson!))
        {
            var positive = data.RootElement.GetProperty("positive").GetProperty("bucketCounts").EnumerateArray().Sum(c => c.GetInt64());
            Assert.Equal(3, positive);
            Assert.InRange(data.RootElement.GetProperty("scale").GetInt32(), -10, 20);
        }

        var upDown = Assert.Single(await Points(host, "shop.sessions.active"));
        Assert.Equal(MetricType.Sum, upDown.Type);
        Assert.False(upDown.IsMonotonic);
        Assert.Equal(3L, upDown.IntValue);

        var gauge = Assert.Single(await Points(host, "shop.queue.depth"));
        Assert.Equal(MetricType.Gauge, gauge.Type);
        Assert.Equal(12.5, gauge.DoubleValue);
        Assert.Equal("orders", Attributes(gauge.AttributesJson)["queue"]);
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Logs_are_stored_with_severity_body_attributes_and_trace_context(OtlpExportProtocol protocol)
    {
        var (host, storage) = await StartAsync();
        await using var _ = host;
        using var __ = storage;
        using var source = new ActivitySource($"Observability.Tests.Logs.{Guid.NewGuid():N}");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var before = DateTime.UtcNow;
        Activity activity;
        using (var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(TestResource());
            options.IncludeFormattedMessage = true;
            options.AddOtlpExporter(exporter => Configure(exporter, host, protocol, "logs"));
        })))
        {
            var logger = loggerFactory.CreateLogger("Observability.Tests.Checkout");
            using (activity = source.StartActivity("checkout")!)
            {
                logger.LogWarning("Order {OrderId} delayed by {DelayMs} ms", 1234, 250.5);
            }
        }

        var logs = await host.Store.GetLogsAsync(ToUnixNanos(before), long.MaxValue, 10, CancellationToken.None);

        var log = Assert.Single(logs);
        Assert.Equal(13, log.SeverityNumber);
        Assert.Equal("Warning", log.SeverityText);
        Assert.Equal("Order 1234 delayed by 250.5 ms", AttributeJson.ParseValue(log.BodyJson));
        var attributes = Attributes(log.AttributesJson);
        Assert.Equal(1234L, attributes["OrderId"]);
        Assert.Equal(250.5, attributes["DelayMs"]);
        Assert.Equal(activity.TraceId.ToHexString(), TraceIds.ToHex(log.TraceId));
        Assert.Equal(activity.SpanId.ToHexString(), TraceIds.ToHex(log.SpanId));
        Assert.True(log.TimeUnixNanos >= ToUnixNanos(before));
        Assert.Equal("sdk-test-service", log.Resource.ServiceName);
        Assert.Equal("Observability.Tests.Checkout", log.Scope.Name);
    }

    private static async Task<IReadOnlyList<MetricPointRecord>> Points(CollectorHost host, string name) =>
        await host.Store.GetMetricPointsAsync(name, 0, long.MaxValue, CancellationToken.None);

    private static Dictionary<string, object?> Attributes(string json) => AttributeJson.ParseAttributes(json).ToDictionary();

    private static long ToUnixNanos(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks * 100;
}

public sealed class SqliteOpenTelemetrySdkIngestTests : OpenTelemetrySdkIngestTests
{
    protected override Task<TestStorage> CreateStorageAsync() => Task.FromResult(TestStorage.Sqlite());
}

public sealed class PostgresOpenTelemetrySdkIngestTests(PostgresServer server) : OpenTelemetrySdkIngestTests, IClassFixture<PostgresServer>
{
    protected override Task<TestStorage> CreateStorageAsync() => TestStorage.PostgresAsync(server);
}
