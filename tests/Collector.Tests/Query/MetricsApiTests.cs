using System.Net;
using System.Text.Json;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Metrics.V1;
using Observability.Collector.Tests.Infrastructure;
using Observability.Tests.Shared;
using static Observability.Collector.Tests.Query.QueryRequests;

namespace Observability.Collector.Tests.Query;

/// <summary>
/// /api/metrics: names, label sets, and every aggregation against values worked out by hand, over five one-minute
/// steps from 12:00:00 with points a few seconds into each step.
/// </summary>
public abstract class MetricsApiTests
{
    private static readonly long T0 = TelemetryBuilder.BaseTimeUnixNanos;
    private static readonly long T0Millis = T0 / 1_000_000;
    private const long Second = 1_000_000_000;

    protected abstract Task<TestStorage> CreateStorageAsync();

    private static NumberDataPoint Number(long startSeconds, long timeSeconds, double value, params KeyValue[] attributes) => new()
    {
        StartTimeUnixNano = (ulong)(T0 + startSeconds * Second),
        TimeUnixNano = (ulong)(T0 + timeSeconds * Second),
        AsDouble = value,
        Attributes = { attributes },
    };

    private static HistogramDataPoint Histogram(long startSeconds, long timeSeconds, ulong[] counts, double sum, params KeyValue[] attributes) => new()
    {
        StartTimeUnixNano = (ulong)(T0 + startSeconds * Second),
        TimeUnixNano = (ulong)(T0 + timeSeconds * Second),
        Count = counts.Aggregate(0UL, (a, b) => a + b),
        Sum = sum,
        Max = sum,
        BucketCounts = { counts },
        ExplicitBounds = { 10, 50, 100, 500 },
        Attributes = { attributes },
    };

    private static async Task<CollectorHost> StartWithMetricsAsync(TestStorage storage)
    {
        var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        var cumulative = AggregationTemporality.Cumulative;
        await client.ExportAsync(QueryRequests.Metrics("shop",
            new Metric
            {
                Name = "http.requests", Unit = "{request}", Description = "Requests served",
                Sum = new Sum
                {
                    AggregationTemporality = cumulative, IsMonotonic = true,
                    DataPoints =
                    {
                        // pod a: restarts at 12:01:40 with a new start time.
                        Number(-600, -30, 100, Attribute("pod", "a")), Number(-600, 10, 160, Attribute("pod", "a")), Number(-600, 70, 220, Attribute("pod", "a")),
                        Number(100, 130, 30, Attribute("pod", "a")), Number(100, 190, 90, Attribute("pod", "a")),
                        // pod b: goes down at 12:02:10 under the same start time, a reset all the same.
                        Number(-1200, 10, 50, Attribute("pod", "b")), Number(-1200, 70, 80, Attribute("pod", "b")),
                        Number(-1200, 130, 20, Attribute("pod", "b")), Number(-1200, 190, 50, Attribute("pod", "b")),
                    },
                },
            },
            new Metric
            {
                Name = "queue.depth", Unit = "{job}",
                Gauge = new Gauge { DataPoints = { Number(0, 10, 4, Attribute("queue", "a")), Number(0, 40, 6, Attribute("queue", "a")), Number(0, 20, 10, Attribute("queue", "b")) } },
            },
            new Metric
            {
                Name = "jobs.done",
                Sum = new Sum
                {
                    AggregationTemporality = AggregationTemporality.Delta, IsMonotonic = true,
                    DataPoints = { Number(0, 10, 5), Number(10, 20, 7), Number(60, 70, 3) },
                },
            },
            new Metric
            {
                Name = "http.duration", Unit = "ms",
                Histogram = new Histogram
                {
                    AggregationTemporality = cumulative,
                    DataPoints =
                    {
                        Histogram(-600, -30, [1, 2, 3, 4, 0], 100, Attribute("route", "/a")),
                        Histogram(-600, 30, [11, 22, 53, 24, 0], 1100, Attribute("route", "/a")),
                        Histogram(-600, 90, [11, 22, 53, 24, 0], 1100, Attribute("route", "/a")),
                    },
                },
            },
            new Metric
            {
                Name = "http.duration", Unit = "ms",
                Histogram = new Histogram
                {
                    AggregationTemporality = AggregationTemporality.Delta,
                    DataPoints = { Histogram(0, 40, [0, 30, 40, 25, 5], 5000, Attribute("route", "/b")) },
                },
            },
            new Metric
            {
                Name = "rpc.duration", Unit = "s",
                ExponentialHistogram = new ExponentialHistogram
                {
                    AggregationTemporality = AggregationTemporality.Delta,
                    DataPoints =
                    {
                        new ExponentialHistogramDataPoint
                        {
                            StartTimeUnixNano = (ulong)T0, TimeUnixNano = (ulong)(T0 + 10 * Second), Count = 4, Sum = 10, Scale = 0,
                            Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 0, BucketCounts = { 2, 2 } },
                        },
                    },
                },
            }), OtlpTransport.Grpc);
        return host;
    }

    private static async Task<JsonElement> QueryAsync(CollectorHost host, string metric, string parameters) =>
        await QueryHttp.GetOkAsync(host, $"/api/metrics/{metric}/query?from={T0Millis}&to={T0Millis + 300_000}&step=60&{parameters}");

    /// <summary>Each series' values by its labels written k=v,k=v.</summary>
    private static Dictionary<string, double?[]> Series(JsonElement body) => body.GetProperty("series").EnumerateArray().ToDictionary(
        s => string.Join(",", s.GetProperty("labels").EnumerateObject().Select(l => $"{l.Name}={l.Value.GetString()}")),
        s => s.GetProperty("points").EnumerateArray().Select(p => p[1].ValueKind == JsonValueKind.Null ? (double?)null : Math.Round(p[1].GetDouble(), 6)).ToArray());

    [Fact]
    public async Task Metrics_and_their_label_sets_are_listed()
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await StartWithMetricsAsync(storage);

        var metrics = (await QueryHttp.GetOkAsync(host, "/api/metrics")).GetProperty("metrics").EnumerateArray().ToList();
        Assert.Equal(["http.duration", "http.requests", "jobs.done", "queue.depth", "rpc.duration"], metrics.Select(m => m.GetProperty("name").GetString()));
        var requests = metrics.Single(m => m.GetProperty("name").GetString() == "http.requests");
        Assert.Equal("sum", requests.GetProperty("type").GetString());
        Assert.Equal("{request}", requests.GetProperty("unit").GetString());
        Assert.Equal("Requests served", requests.GetProperty("description").GetString());
        Assert.Equal("exponentialHistogram", metrics.Single(m => m.GetProperty("name").GetString() == "rpc.duration").GetProperty("type").GetString());

        var series = await QueryHttp.GetOkAsync(host, $"/api/metrics/http.requests/series?from={T0Millis}&to={T0Millis + 300_000}");
        Assert.Equal(
            ["pod=a,service.name=shop", "pod=b,service.name=shop"],
            series.GetProperty("series").EnumerateArray().Select(s => string.Join(",", s.GetProperty("labels").EnumerateObject().Select(l => $"{l.Name}={l.Value.GetString()}"))));
        Assert.False(series.GetProperty("truncated").GetBoolean());
        Assert.Empty((await QueryHttp.GetOkAsync(host, $"/api/metrics/http.requests/series?from={T0Millis + 600_000}&to={T0Millis + 700_000}")).GetProperty("series").EnumerateArray());
    }

    [Fact]
    public async Task Counters_give_rates_and_increases_across_resets_and_new_start_times()
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await StartWithMetricsAsync(storage);

        var rate = await QueryAsync(host, "http.requests", "agg=rate");
        Assert.Equal("http.requests", rate.GetProperty("metric").GetString());
        Assert.Equal("sum", rate.GetProperty("type").GetString());
        Assert.Equal("rate", rate.GetProperty("agg").GetString());
        Assert.Equal("60s", rate.GetProperty("step").GetString());
        Assert.Equal(60_000, rate.GetProperty("stepMillis").GetInt64());
        Assert.Equal("2026-11-20T12:00:00Z", rate.GetProperty("from").GetString());
        Assert.Equal("2026-11-20T12:05:00Z", rate.GetProperty("to").GetString());
        Assert.False(rate.TryGetProperty("noData", out var _));
        var points = rate.GetProperty("series")[0].GetProperty("points").EnumerateArray().Select(p => p[0].GetInt64()).ToList();
        Assert.Equal([T0Millis, T0Millis + 60_000, T0Millis + 120_000, T0Millis + 180_000, T0Millis + 240_000], points);
        var rates = Series(rate);
        Assert.Equal([1, 1, 0.5, 1, null], rates["pod=a,service.name=shop"]);
        Assert.Equal([null, 0.5, 0.333333, 0.5, null], rates["pod=b,service.name=shop"]);

        Assert.Equal([60, 60, 30, 60, null], Series(await QueryAsync(host, "http.requests", "agg=sum"))["pod=a,service.name=shop"]);
        Assert.Equal([1, 1.5, 0.833333, 1.5, null], Series(await QueryAsync(host, "http.requests", "agg=rate&by="))[""]);
        Assert.Equal([1, 1.5, 0.833333, 1.5, null], Series(await QueryAsync(host, "http.requests", "agg=rate&by=service.name"))["service.name=shop"]);
        Assert.Equal([160, 220, 30, 90, null], Series(await QueryAsync(host, "http.requests", "agg=avg"))["pod=a,service.name=shop"]);
        Assert.Equal([160, 220, 30, 90, null], Series(await QueryAsync(host, "http.requests", "agg=max&by=service.name"))["service.name=shop"]);
        var b = Series(await QueryAsync(host, "http.requests", "agg=rate&match[pod]=b&match[service.name]=shop"));
        Assert.Equal(["pod=b,service.name=shop"], b.Keys);

        var delta = Series(await QueryAsync(host, "jobs.done", "agg=sum"));
        Assert.Equal([12, 3, null, null, null], delta["service.name=shop"]);
        Assert.Equal([0.2, 0.05, null, null, null], Series(await QueryAsync(host, "jobs.done", "agg=rate"))["service.name=shop"]);
    }

    [Fact]
    public async Task Instances_and_regions_of_one_service_are_separate_series_so_their_counters_never_interleave()
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        foreach (var (instance, values) in new[] { ("shop-1", new[] { 100.0, 160, 220 }), ("shop-2", new[] { 1000.0, 1030, 1060 }) })
        {
            var request = QueryRequests.Metrics("shop", new Metric
            {
                Name = "http.requests",
                Sum = new Sum
                {
                    AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true,
                    DataPoints = { Number(-600, -30, values[0]), Number(-600, 10, values[1]), Number(-600, 70, values[2]) },
                },
            });
            request.ResourceMetrics[0].Resource = instance == "shop-1"
                ? Resource("shop", Attribute("service.instance.id", instance))
                : Resource("shop", Attribute("service.instance.id", instance), Attribute("cloud.region", "eu-west"));
            await client.ExportAsync(request, OtlpTransport.Grpc);
        }

        var series = await QueryHttp.GetOkAsync(host, $"/api/metrics/http.requests/series?from={T0Millis - 60_000}&to={T0Millis + 300_000}");
        Assert.Equal(
            ["cloud.region=eu-west,service.instance.id=shop-2,service.name=shop", "service.instance.id=shop-1,service.name=shop"],
            series.GetProperty("series").EnumerateArray().Select(s => string.Join(",", s.GetProperty("labels").EnumerateObject().Select(l => $"{l.Name}={l.Value.GetString()}"))).Order());

        // Interleaved as one series, 100, 1000, 160, 1030, ... would read as resets; per instance they are 1/s and 0.5/s.
        var rates = Series(await QueryAsync(host, "http.requests", "agg=rate"));
        Assert.Equal([1, 1, null, null, null], rates["service.instance.id=shop-1,service.name=shop"]);
        Assert.Equal([0.5, 0.5, null, null, null], rates["cloud.region=eu-west,service.instance.id=shop-2,service.name=shop"]);
        Assert.Equal([1.5, 1.5, null, null, null], Series(await QueryAsync(host, "http.requests", "agg=rate&by=service.name"))["service.name=shop"]);
        Assert.Equal(["cloud.region=eu-west,service.instance.id=shop-2,service.name=shop"], Series(await QueryAsync(host, "http.requests", "agg=rate&match[service.instance.id]=shop-2")).Keys);
        Assert.Equal([0.5, 0.5, null, null, null], Series(await QueryAsync(host, "http.requests", "agg=rate&by=cloud.region"))["cloud.region=eu-west"]);
    }

    [Fact]
    public async Task Gauges_give_sums_averages_and_maxima_per_step()
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await StartWithMetricsAsync(storage);

        var avg = Series(await QueryAsync(host, "queue.depth", "agg=avg"));
        Assert.Equal([5, null, null, null, null], avg["queue=a,service.name=shop"]);
        Assert.Equal([10, null, null, null, null], avg["queue=b,service.name=shop"]);
        Assert.Equal([6, null, null, null, null], Series(await QueryAsync(host, "queue.depth", "agg=max"))["queue=a,service.name=shop"]);
        Assert.Equal([6, null, null, null, null], Series(await QueryAsync(host, "queue.depth", "agg=sum"))["queue=a,service.name=shop"]);
        Assert.Equal([16, null, null, null, null], Series(await QueryAsync(host, "queue.depth", "agg=sum&by="))[""]);
        Assert.Equal([6.666667, null, null, null, null], Series(await QueryAsync(host, "queue.depth", "agg=avg&by="))[""]);
        Assert.Equal([10, null, null, null, null], Series(await QueryAsync(host, "queue.depth", "agg=max&by="))[""]);
    }

    [Fact]
    public async Task Histogram_quantiles_merge_cumulative_increments_and_deltas()
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await StartWithMetricsAsync(storage);

        // Step 1 merges /a's increment [10,20,50,20,0] with /b's delta [0,30,40,25,5]: [10,50,90,45,5], 200 in all.
        // p95: rank 190 falls in (100, 500] after 150 below it, 40 of its 45: 100 + 400 * 40/45.
        var p95 = await QueryAsync(host, "http.duration", "agg=p95");
        Assert.Equal("histogram", p95.GetProperty("type").GetString());
        Assert.Equal("p95", p95.GetProperty("agg").GetString());
        Assert.Equal([Math.Round(100 + 400 * 40 / 45.0, 6), null, null, null, null], Series(p95)[""]);
        Assert.Equal([Math.Round(50 + 50 * 40 / 90.0, 6), null, null, null, null], Series(await QueryAsync(host, "http.duration", "agg=p50"))[""]);
        // p99: rank 198 is past the 195 at or below 500, in the +Inf bucket: the highest finite bound.
        Assert.Equal([500, null, null, null, null], Series(await QueryAsync(host, "http.duration", "agg=p99"))[""]);
        var byRoute = Series(await QueryAsync(host, "http.duration", "agg=p95&by=route"));
        Assert.Equal([400, null, null, null, null], byRoute["route=/a"]);
        Assert.Equal([500, null, null, null, null], byRoute["route=/b"]);
        Assert.Equal([30, null, null, null, null], Series(await QueryAsync(host, "http.duration", "agg=avg&by="))[""]);
        var rates = Series(await QueryAsync(host, "http.duration", "agg=rate"));
        Assert.Equal([1.666667, 0, null, null, null], rates["route=/a,service.name=shop"]);
        Assert.Equal([1.666667, null, null, null, null], rates["route=/b,service.name=shop"]);

        // Exponential buckets (1,2] and (2,4] with 2 each: the median is at the top of the first, p75 halfway
        // through the second on a log scale.
        Assert.Equal([2, null, null, null, null], Series(await QueryAsync(host, "rpc.duration", "agg=p50"))[""]);
        Assert.Equal([Math.Round(2 * Math.Sqrt(2), 6), null, null, null, null], Series(await QueryAsync(host, "rpc.duration", "agg=p75"))[""]);
    }

    [Fact]
    public async Task Missing_data_is_null_and_said_so_never_zero()
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await StartWithMetricsAsync(storage);

        var empty = await QueryHttp.GetOkAsync(host, $"/api/metrics/http.requests/query?agg=rate&from={T0Millis + 3_600_000}&to={T0Millis + 7_200_000}");
        Assert.Empty(empty.GetProperty("series").EnumerateArray());
        Assert.Equal("no points for metric 'http.requests' in [2026-11-20T13:00:00Z, 2026-11-20T14:00:00Z)", empty.GetProperty("noData").GetString());
        // No step given: the first of 1s, 2s, 5s, 10s, 15s, ... that gives at most 300 steps.
        Assert.Equal("15s", empty.GetProperty("step").GetString());

        var unknown = await QueryAsync(host, "no.such.metric", "agg=sum");
        Assert.Contains("no metric named 'no.such.metric' has been received", unknown.GetProperty("noData").GetString());
        var filtered = await QueryAsync(host, "http.requests", "agg=sum&match[service.name]=billing");
        Assert.Contains("no points for metric 'http.requests'", filtered.GetProperty("noData").GetString());

        // pod b's first point has nothing before it to be differenced against.
        var firstOnly = await QueryHttp.GetOkAsync(host, $"/api/metrics/http.requests/query?agg=rate&match[pod]=b&from={T0Millis}&to={T0Millis + 60_000}&step=1m");
        Assert.Equal([null], Series(firstOnly)["pod=b,service.name=shop"]);
        Assert.Contains("a cumulative series needs an earlier point", firstOnly.GetProperty("noData").GetString());
    }

    [Theory]
    [InlineData("agg=rate&from=soon", "from 'soon' is not a time")]
    [InlineData("agg=rate&to=noon", "to 'noon' is not a time")]
    [InlineData("step=1m", "agg is required")]
    [InlineData("agg=median", "agg 'median' is not an aggregation")]
    [InlineData("agg=p101", "agg 'p101'")]
    [InlineData("agg=rate&step=fast", "step 'fast' is not a positive duration")]
    [InlineData("agg=rate&step=0.0001", "step '0.0001' is not a whole number of milliseconds")]
    [InlineData("agg=rate&step=1ms", "step '1ms' gives 3600000 steps")]
    [InlineData("agg=rate&match=pod", "match is not a label filter")]
    public async Task Bad_parameters_get_400_naming_the_parameter(string parameters, string message)
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await StartWithMetricsAsync(storage);

        var (status, body) = await QueryHttp.GetAsync(host, $"/api/metrics/http.requests/query?{parameters}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("queue.depth", "agg=rate", "agg 'rate' needs a counter or histogram; 'queue.depth' is a gauge")]
    [InlineData("http.requests", "agg=p95", "agg 'p95' needs a histogram; 'http.requests' is a sum")]
    public async Task An_aggregation_that_does_not_fit_the_metric_gets_400(string metric, string parameters, string message)
    {
        var storage = await CreateStorageAsync();
        using var _ = storage;
        await using var host = await StartWithMetricsAsync(storage);

        var (status, body) = await QueryHttp.GetAsync(host, $"/api/metrics/{metric}/query?from={T0Millis}&to={T0Millis + 300_000}&{parameters}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, body.GetProperty("error").GetString());
    }
}

public sealed class SqliteMetricsApiTests : MetricsApiTests
{
    protected override Task<TestStorage> CreateStorageAsync() => Task.FromResult(TestStorage.Sqlite());
}

public sealed class PostgresMetricsApiTests(PostgresServer server) : MetricsApiTests, IClassFixture<PostgresServer>
{
    protected override Task<TestStorage> CreateStorageAsync() => TestStorage.PostgresAsync(server);
}
