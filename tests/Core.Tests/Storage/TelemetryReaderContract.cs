using Microsoft.Extensions.Logging.Abstractions;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Storage;

/// <summary>
/// The query behaviour every store must have (<see cref="ITelemetryReader"/>): catalogs, trace search with each
/// filter and its paging, log search with each filter, metric series and samples.
/// </summary>
public abstract class TelemetryReaderContract
{
    private static readonly long T0 = TelemetryBuilder.BaseTimeUnixNanos;
    private static readonly long Second = 1_000_000_000;

    /// <summary>A new, empty, not yet initialized store.</summary>
    protected abstract ITelemetryStore CreateStore();

    private async Task<ITelemetryStore> OpenAsync(TelemetryBatch batch)
    {
        var store = CreateStore();
        await store.InitializeAsync(CancellationToken.None);
        await store.WriteAsync(batch, CancellationToken.None);
        return store;
    }

    private static SpanRecord Span(byte[] traceId, string service, string name, long startNanos, long durationNanos = 1_000_000, string attributes = "{}",
        TelemetryResource? resource = null) => TelemetryBuilder.Span(traceId, resource: resource ?? TelemetryBuilder.Resource(service)) with
    {
        Name = name,
        StartUnixNanos = startNanos,
        EndUnixNanos = startNanos + durationNanos,
        AttributesJson = attributes,
        StatusCode = SpanStatusCode.Unset,
        StatusMessage = "",
    };

    private static TraceSearch Search(string service, int limit = 20) => new()
    {
        ServiceName = service,
        StartFromUnixNanos = T0 - 3600 * Second,
        StartToUnixNanos = T0 + 3600 * Second,
        Limit = limit,
    };

    private static List<string> Hex(IEnumerable<byte[]> ids) => ids.Select(id => TraceIds.ToHex(id)).ToList();

    [Fact]
    public async Task Services_and_operations_come_from_the_catalog()
    {
        var batch = new TelemetryBatch();
        var traceId = TelemetryBuilder.NewTraceId();
        batch.Spans.Add(Span(traceId, "orders", "GET /orders", T0) with { Kind = SpanKind.Server });
        batch.Spans.Add(Span(traceId, "orders", "GET /orders", T0) with { Kind = SpanKind.Client });
        batch.Spans.Add(Span(traceId, "orders", "SELECT", T0) with { Kind = SpanKind.Client });
        batch.Spans.Add(Span(traceId, "billing", "charge", T0) with { Kind = SpanKind.Internal });
        await using var store = await OpenAsync(batch);

        Assert.Equal(["billing", "orders"], await store.GetServicesAsync(CancellationToken.None));
        Assert.Equal(
            [new SpanOperation("orders", "GET /orders", SpanKind.Server), new SpanOperation("orders", "GET /orders", SpanKind.Client), new SpanOperation("orders", "SELECT", SpanKind.Client)],
            await store.GetOperationsAsync("orders", null, CancellationToken.None));
        Assert.Equal(
            ["GET /orders", "SELECT"],
            (await store.GetOperationsAsync("orders", SpanKind.Client, CancellationToken.None)).Select(o => o.Name));
        Assert.Empty(await store.GetOperationsAsync("nobody", null, CancellationToken.None));
    }

    [Fact]
    public async Task Trace_search_filters_by_service_operation_duration_and_time_newest_first()
    {
        var batch = new TelemetryBatch();
        var slow = TelemetryBuilder.NewTraceId();
        var fast = TelemetryBuilder.NewTraceId();
        var old = TelemetryBuilder.NewTraceId();
        var otherService = TelemetryBuilder.NewTraceId();
        batch.Spans.Add(Span(slow, "shop", "GET /cart", T0 + 2 * Second, durationNanos: 900_000_000));
        batch.Spans.Add(Span(slow, "db", "SELECT", T0 + 2 * Second + 10, durationNanos: 850_000_000));
        batch.Spans.Add(Span(fast, "shop", "GET /cart", T0 + 3 * Second, durationNanos: 5_000_000));
        batch.Spans.Add(Span(old, "shop", "POST /pay", T0 - 7200 * Second, durationNanos: 5_000_000));
        batch.Spans.Add(Span(otherService, "db", "GET /cart", T0, durationNanos: 5_000_000));
        await using var store = await OpenAsync(batch);

        Assert.Equal(Hex([fast, slow]), Hex(await store.FindTraceIdsAsync(Search("shop"), CancellationToken.None)));
        Assert.Equal(Hex([fast, slow]), Hex(await store.FindTraceIdsAsync(Search("shop") with { OperationName = "GET /cart" }, CancellationToken.None)));
        Assert.Empty(await store.FindTraceIdsAsync(Search("shop") with { OperationName = "POST /pay" }, CancellationToken.None));
        Assert.Equal(Hex([old]), Hex(await store.FindTraceIdsAsync(
            Search("shop") with { StartFromUnixNanos = T0 - 7300 * Second, StartToUnixNanos = T0 - 7200 * Second }, CancellationToken.None)));
        Assert.Equal(Hex([slow]), Hex(await store.FindTraceIdsAsync(Search("shop") with { MinDurationNanos = 900_000_000 }, CancellationToken.None)));
        Assert.Equal(Hex([fast]), Hex(await store.FindTraceIdsAsync(Search("shop") with { MaxDurationNanos = 899_999_999 }, CancellationToken.None)));
        Assert.Equal(Hex([fast]), Hex(await store.FindTraceIdsAsync(Search("shop", limit: 1), CancellationToken.None)));
        // The window is inclusive at both ends, as Jaeger's.
        Assert.Equal(Hex([slow]), Hex(await store.FindTraceIdsAsync(
            Search("shop") with { StartFromUnixNanos = T0 + 2 * Second, StartToUnixNanos = T0 + 2 * Second }, CancellationToken.None)));
        Assert.Equal(Hex([slow, otherService]), Hex(await store.FindTraceIdsAsync(Search("db"), CancellationToken.None)));
    }

    [Fact]
    public async Task Trace_search_matches_span_and_resource_attributes_as_text_for_any_key()
    {
        var batch = new TelemetryBatch();
        var error = TelemetryBuilder.NewTraceId();
        var ok = TelemetryBuilder.NewTraceId();
        var resource = new TelemetryResource("shop", """{"service.name":"shop","k8s.pod.name":"shop-7","deployment.environment.name":"prod"}""");
        batch.Spans.Add(Span(error, "shop", "GET /cart", T0, resource: resource,
            attributes: """{"http.response.status_code":500,"ratio":0.5,"cached":true,"we\"ird.key":"q\"uote","back\\slash":"b","[x]":"bracket","user.name":"Zoë"}""")
            with { StatusCode = SpanStatusCode.Error, StatusMessage = "timeout", Kind = SpanKind.Client });
        batch.Spans.Add(Span(ok, "shop", "GET /cart", T0 + 1, attributes: """{"http.response.status_code":200,"ratio":1.0,"cached":false}""")
            with { Kind = SpanKind.Server, StatusCode = SpanStatusCode.Ok });
        await using var store = await OpenAsync(batch);

        async Task<List<string>> FindAsync(params (string Key, string Value)[] tags) =>
            Hex(await store.FindTraceIdsAsync(Search("shop") with { Tags = tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList() }, CancellationToken.None));

        Assert.Equal(Hex([error]), await FindAsync(("http.response.status_code", "500")));
        Assert.Equal(Hex([ok]), await FindAsync(("http.response.status_code", "200")));
        Assert.Equal(Hex([error]), await FindAsync(("ratio", "0.5")));
        Assert.Equal(Hex([ok]), await FindAsync(("ratio", "1.0")));
        Assert.Equal(Hex([error]), await FindAsync(("cached", "true")));
        Assert.Equal(Hex([error]), await FindAsync(("we\"ird.key", "q\"uote")));
        Assert.Equal(Hex([error]), await FindAsync(("back\\slash", "b")));
        Assert.Equal(Hex([error]), await FindAsync(("[x]", "bracket")));
        Assert.Equal(Hex([error]), await FindAsync(("user.name", "Zoë")));
        Assert.Equal(Hex([error]), await FindAsync(("k8s.pod.name", "shop-7")));
        Assert.Equal(Hex([error]), await FindAsync(("k8s.pod.name", "shop-7"), ("http.response.status_code", "500")));
        Assert.Empty(await FindAsync(("k8s.pod.name", "shop-7"), ("http.response.status_code", "200")));
        Assert.Empty(await FindAsync(("http.response.status_code", "5")));
        Assert.Empty(await FindAsync(("missing", "")));
        // Tags Jaeger derives from span fields.
        Assert.Equal(Hex([error]), await FindAsync(("error", "true")));
        Assert.Equal(Hex([error]), await FindAsync(("otel.status_code", "ERROR")));
        Assert.Equal(Hex([ok]), await FindAsync(("otel.status_code", "OK")));
        Assert.Equal(Hex([error]), await FindAsync(("otel.status_description", "timeout")));
        Assert.Equal(Hex([ok]), await FindAsync(("span.kind", "server")));
        Assert.Equal(Hex([ok, error]), await FindAsync(("otel.scope.name", "Observability.Tests")));
        Assert.Equal(Hex([ok, error]), await FindAsync(("otel.scope.version", "1.2.3")));
    }

    [Fact]
    public async Task Trace_search_pages_through_many_spans_and_spans_sharing_a_start_time()
    {
        // limit 25 reads pages of 200 spans: the busy trace fills most of the first page, whose last rows share a
        // start time with rows of the next page; the search must neither skip nor repeat those.
        var batch = new TelemetryBatch();
        var busy = TelemetryBuilder.NewTraceId();
        for (var i = 0; i < 190; i++)
        {
            batch.Spans.Add(Span(busy, "shop", "GET /feed", T0 + 1000 + i));
        }
        var tied = Enumerable.Range(0, 10).Select(_ => TelemetryBuilder.NewTraceId()).ToList();
        batch.Spans.AddRange(tied.Select(id => Span(id, "shop", "GET /tied", T0 + 500)));
        var older = Enumerable.Range(0, 50).Select(_ => TelemetryBuilder.NewTraceId()).ToList();
        batch.Spans.AddRange(older.Select((id, i) => Span(id, "shop", "GET /older", T0 - i)));
        await using var store = await OpenAsync(batch);

        var found = Hex(await store.FindTraceIdsAsync(Search("shop", limit: 25), CancellationToken.None));

        Assert.Equal(25, found.Count);
        Assert.Equal(25, found.Distinct().Count());
        Assert.Equal(TraceIds.ToHex(busy), found[0]);
        Assert.Equal(Hex(tied).Order(), found.Skip(1).Take(10).Order());
        Assert.Equal(Hex(older.Take(14)), found.Skip(11));

        var all = await store.FindTraceIdsAsync(Search("shop", limit: 1500), CancellationToken.None);
        Assert.Equal(61, all.Count);
    }

    [Fact]
    public async Task Traces_load_whole_for_many_ids_at_once()
    {
        var batch = new TelemetryBatch();
        var ids = Enumerable.Range(0, TelemetryQueries.TraceIdsPerQuery + 30).Select(_ => TelemetryBuilder.NewTraceId()).ToList();
        foreach (var id in ids)
        {
            batch.Spans.Add(Span(id, "shop", "child", T0 + 10));
            batch.Spans.Add(Span(id, "shop", "root", T0));
        }
        await using var store = await OpenAsync(batch);

        var spans = await store.GetTracesAsync(ids, CancellationToken.None);

        Assert.Equal(2 * ids.Count, spans.Count);
        Assert.All(spans.GroupBy(s => TraceIds.ToHex(s.TraceId)), trace => Assert.Equal(["root", "child"], trace.Select(s => s.Name)));
        Assert.Empty(await store.GetTracesAsync([TelemetryBuilder.NewTraceId()], CancellationToken.None));
    }

    [Fact]
    public async Task Log_search_filters_by_time_service_severity_trace_and_text_newest_first()
    {
        var batch = new TelemetryBatch();
        var traceId = TelemetryBuilder.NewTraceId();
        LogRecord Log(string service, int severity, string body, long offset, string attributes = "{}", byte[]? trace = null) =>
            TelemetryBuilder.Log(body, offset) with
            {
                Resource = TelemetryBuilder.Resource(service),
                SeverityNumber = severity,
                AttributesJson = attributes,
                TraceId = trace ?? [],
                SpanId = trace is null ? [] : TelemetryBuilder.NewSpanId(),
            };
        batch.Logs.Add(Log("shop", 9, "\"Order 42 SHIPPED\"", 1));
        batch.Logs.Add(Log("shop", 17, "\"payment failed\"", 2, trace: traceId));
        batch.Logs.Add(Log("billing", 13, """{"message":"Card declined","code":51}""", 3, attributes: """{"customer":"ACME Corp"}"""));
        batch.Logs.Add(Log("billing", 21, "null", 4, attributes: """{"retry":3}""", trace: traceId));
        batch.Logs.Add(Log("shop", 5, "\"too early\"", -10 * Second));
        await using var store = await OpenAsync(batch);

        async Task<List<long>> FindAsync(Func<LogSearch, LogSearch> refine) =>
            (await store.SearchLogsAsync(refine(new LogSearch { FromUnixNanos = T0, ToUnixNanos = T0 + Second, Limit = 100 }), CancellationToken.None))
                .Select(l => l.TimeUnixNanos - T0).ToList();

        Assert.Equal([4, 3, 2, 1], await FindAsync(s => s));
        Assert.Equal([4, 3], await FindAsync(s => s with { Limit = 2 }));
        Assert.Equal([2, 1], await FindAsync(s => s with { ServiceName = "shop" }));
        Assert.Equal([4, 2], await FindAsync(s => s with { MinSeverityNumber = 17 }));
        Assert.Equal([4, 2], await FindAsync(s => s with { TraceId = traceId }));
        Assert.Equal([4], await FindAsync(s => s with { TraceId = traceId, ServiceName = "billing" }));
        Assert.Equal([1], await FindAsync(s => s with { Text = "order 42 shipped" }));
        Assert.Equal([3], await FindAsync(s => s with { Text = "CARD DECLINED" }));
        Assert.Equal([3], await FindAsync(s => s with { Text = "acme" }));
        Assert.Equal([4], await FindAsync(s => s with { Text = "3" }));
        Assert.Empty(await FindAsync(s => s with { Text = "null" }));
        Assert.Equal([2], await FindAsync(s => s with { Text = "FAILED" }));
        Assert.Equal([-10_000_000_000], await FindAsync(s => s with { FromUnixNanos = T0 - 20 * Second, ToUnixNanos = T0 }));
        var log = Assert.Single(await store.SearchLogsAsync(new LogSearch { FromUnixNanos = T0, ToUnixNanos = T0 + Second, Limit = 1, Text = "declined" }, CancellationToken.None));
        Assert.Equal("billing", log.Resource.ServiceName);
        Assert.Equal("Observability.Tests", log.Scope.Name);
    }

    [Fact]
    public async Task Metric_descriptors_series_and_samples_with_label_matchers()
    {
        var batch = new TelemetryBatch();
        batch.MetricPoints.AddRange(TelemetryBuilder.MetricPointsOfEveryType());
        MetricPointRecord Point(string service, string attributes, long offset, long value) => new()
        {
            Resource = TelemetryBuilder.Resource(service),
            Scope = TelemetryBuilder.Scope(),
            MetricName = "http.requests",
            Unit = "{request}",
            Description = "requests",
            Type = MetricType.Sum,
            Temporality = AggregationTemporality.Cumulative,
            IsMonotonic = true,
            AttributesJson = attributes,
            StartTimeUnixNanos = T0 - Second,
            TimeUnixNanos = T0 + offset,
            IntValue = value,
        };
        batch.MetricPoints.Add(Point("shop", """{"http.route":"/cart","code":200}""", 2, 5));
        batch.MetricPoints.Add(Point("shop", """{"http.route":"/cart","code":200}""", 1, 3));
        batch.MetricPoints.Add(Point("shop", """{"http.route":"/pay","code":500}""", 1, 1));
        batch.MetricPoints.Add(Point("billing", """{"http.route":"/cart","code":200}""", 1, 7));
        batch.MetricPoints.Add(Point("shop", """{"http.route":"/old","code":200}""", -Second, 9));
        await using var store = await OpenAsync(batch);

        var descriptors = await store.GetMetricDescriptorsAsync(CancellationToken.None);
        Assert.Contains(new MetricDescriptor("http.requests", MetricType.Sum, "{request}", "requests"), descriptors);
        Assert.Contains(new MetricDescriptor("test.histogram", MetricType.Histogram, "s", ""), descriptors);
        Assert.Equal(descriptors.OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => d.Name), descriptors.Select(d => d.Name));

        var series = await store.GetMetricSeriesAsync("http.requests", T0, T0 + Second, 100, CancellationToken.None);
        Assert.Equal(3, series.Count);
        Assert.Contains(series, s => s.ServiceName == "billing");
        Assert.Single(await store.GetMetricSeriesAsync("http.requests", T0, T0 + Second, 1, CancellationToken.None));

        async Task<List<(string, long?)>> SamplesAsync(params (string Label, string Value)[] matchers) =>
            (await store.GetMetricSamplesAsync(new MetricSampleQuery
            {
                MetricName = "http.requests",
                FromUnixNanos = T0,
                ToUnixNanos = T0 + Second,
                Matchers = matchers.Select(m => KeyValuePair.Create(m.Label, m.Value)).ToList(),
                Limit = 100,
            }, CancellationToken.None)).Select(s => (s.ServiceName, (long?)s.Value)).ToList();

        Assert.Equal(4, (await SamplesAsync()).Count);
        Assert.Equal([("shop", 3L), ("shop", 5L)], await SamplesAsync(("service.name", "shop"), ("http.route", "/cart")));
        Assert.Equal([("shop", 1L)], await SamplesAsync(("code", "500")));
        Assert.Empty(await SamplesAsync(("code", "404")));

        var histogram = Assert.Single(await store.GetMetricSamplesAsync(new MetricSampleQuery
        {
            MetricName = "test.histogram", FromUnixNanos = 0, ToUnixNanos = long.MaxValue, Limit = 10,
        }, CancellationToken.None));
        Assert.Equal(MetricType.Histogram, histogram.Type);
        Assert.Equal(AggregationTemporality.Delta, histogram.Temporality);
        Assert.Equal(6UL, histogram.Count);
        Assert.Equal(1.75, histogram.Sum);
        Assert.Equal(0.9, histogram.Max);
        JsonAssert.Equivalent("""{"bucketCounts":[1,2,3],"explicitBounds":[0.1,0.5]}""", histogram.DataJson);
        var sum = Assert.Single(await store.GetMetricSamplesAsync(new MetricSampleQuery
        {
            MetricName = "test.sum", FromUnixNanos = 0, ToUnixNanos = long.MaxValue, Limit = 10,
        }, CancellationToken.None));
        Assert.True(sum.IsMonotonic);
        Assert.Equal((double)(long.MaxValue - 1), sum.Value);
    }
}

public sealed class SqliteTelemetryReaderTests : TelemetryReaderContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-sqlite-reads-").FullName;

    protected override ITelemetryStore CreateStore() =>
        new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "reads.db") }, NullLogger<SqliteTelemetryStore>.Instance);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresTelemetryReaderTests(PostgresServer server) : TelemetryReaderContract, IClassFixture<PostgresServer>
{
    protected override ITelemetryStore CreateStore() =>
        new PostgresTelemetryStore(server.CreateDatabase("r_" + Guid.NewGuid().ToString("N")[..16]), NullLogger<PostgresTelemetryStore>.Instance);
}
