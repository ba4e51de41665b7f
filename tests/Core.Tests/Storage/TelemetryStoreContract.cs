using Observability.Core.Storage;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="ITelemetryStore"/> must have. Each provider's test class derives from this
/// and supplies a fresh, empty store.
/// </summary>
public abstract partial class TelemetryStoreContract
{
    /// <summary>A new, empty, not yet initialized store; the same <paramref name="name"/> reopens the same database.</summary>
    protected abstract ITelemetryStore CreateStore(string name);

    private async Task<ITelemetryStore> OpenAsync(string name = "main")
    {
        var store = CreateStore(name);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task Spans_round_trip_with_every_field()
    {
        await using var store = await OpenAsync();
        var traceId = TelemetryBuilder.NewTraceId();
        var root = TelemetryBuilder.Span(traceId);
        var child = TelemetryBuilder.Span(traceId, parentSpanId: root.SpanId, startOffsetNanos: 1_000) with { Kind = SpanKind.Client, StatusCode = SpanStatusCode.Ok, StatusMessage = "" };
        var batch = new TelemetryBatch();
        batch.Spans.AddRange([child, root]);

        await store.WriteAsync(batch, CancellationToken.None);
        var stored = await store.GetTraceAsync(traceId, CancellationToken.None);

        Assert.Equal(2, stored.Count);
        AssertSpan(root, stored[0]);
        AssertSpan(child, stored[1]);
    }

    [Fact]
    public async Task Logs_round_trip_with_every_body_type()
    {
        await using var store = await OpenAsync();
        string[] bodies = ["\"text\"", "42", "4.5", "true", "null", """{"$bytes":"AAEC"}""", """["a",1]""", """{"k":"v","n":{"deep":[1.0]}}"""];
        var batch = new TelemetryBatch();
        for (var i = 0; i < bodies.Length; i++)
        {
            batch.Logs.Add(TelemetryBuilder.Log(bodies[i], offsetNanos: i));
        }
        batch.Logs.Add(TelemetryBuilder.Log(offsetNanos: 100) with { TimeUnixNanos = 0, TraceId = [], SpanId = [] });

        await store.WriteAsync(batch, CancellationToken.None);
        var stored = await store.GetLogsAsync(TelemetryBuilder.BaseTimeUnixNanos, TelemetryBuilder.BaseTimeUnixNanos + 1_000, 100, CancellationToken.None);

        Assert.Equal(batch.Logs.Count, stored.Count);
        for (var i = 0; i < batch.Logs.Count; i++)
        {
            var expected = batch.Logs[i];
            var actual = stored[i];
            JsonAssert.Equivalent(expected.BodyJson, actual.BodyJson);
            JsonAssert.Equivalent(expected.AttributesJson, actual.AttributesJson);
            Assert.Equal(expected with { BodyJson = actual.BodyJson, AttributesJson = actual.AttributesJson, Resource = actual.Resource, Scope = actual.Scope, TraceId = actual.TraceId, SpanId = actual.SpanId }, actual);
            Assert.Equal(expected.TraceId, actual.TraceId);
            Assert.Equal(expected.SpanId, actual.SpanId);
            AssertResourceAndScope(expected.Resource, expected.Scope, actual.Resource, actual.Scope);
        }
    }

    [Fact]
    public async Task Metric_points_of_every_type_round_trip()
    {
        await using var store = await OpenAsync();
        var batch = new TelemetryBatch();
        batch.MetricPoints.AddRange(TelemetryBuilder.MetricPointsOfEveryType());

        await store.WriteAsync(batch, CancellationToken.None);

        foreach (var expected in batch.MetricPoints)
        {
            var stored = await store.GetMetricPointsAsync(expected.MetricName, 0, long.MaxValue, CancellationToken.None);
            var actual = Assert.Single(stored);
            JsonAssert.Equivalent(expected.AttributesJson, actual.AttributesJson);
            JsonAssert.Equivalent(expected.DataJson, actual.DataJson);
            JsonAssert.Equivalent(expected.ExemplarsJson, actual.ExemplarsJson);
            AssertResourceAndScope(expected.Resource, expected.Scope, actual.Resource, actual.Scope);
            Assert.Equal(expected with { AttributesJson = actual.AttributesJson, DataJson = actual.DataJson, ExemplarsJson = actual.ExemplarsJson, Resource = actual.Resource, Scope = actual.Scope }, actual);
        }
    }

    [Fact]
    public async Task Data_survives_reopening_and_migrations_are_idempotent()
    {
        var span = TelemetryBuilder.Span();
        await using (var store = await OpenAsync("reopen"))
        {
            var batch = new TelemetryBatch();
            batch.Spans.Add(span);
            await store.WriteAsync(batch, CancellationToken.None);
        }

        await using var reopened = await OpenAsync("reopen");
        await reopened.CheckReadyAsync(CancellationToken.None);
        var stored = await reopened.GetTraceAsync(span.TraceId, CancellationToken.None);
        AssertSpan(span, Assert.Single(stored));
    }

    [Fact]
    public async Task A_resource_shared_by_many_batches_is_read_back_for_each()
    {
        await using var store = await OpenAsync();
        var resource = TelemetryBuilder.Resource("inventory");
        var traceId = TelemetryBuilder.NewTraceId();
        for (var i = 0; i < 3; i++)
        {
            var batch = new TelemetryBatch();
            batch.Spans.Add(TelemetryBuilder.Span(traceId, resource: resource, startOffsetNanos: i));
            await store.WriteAsync(batch, CancellationToken.None);
        }

        var stored = await store.GetTraceAsync(traceId, CancellationToken.None);

        Assert.Equal(3, stored.Count);
        Assert.All(stored, span => Assert.Equal("inventory", span.Resource.ServiceName));
    }

    [Fact]
    public async Task Counts_report_what_was_written()
    {
        await using var store = await OpenAsync();
        var batch = new TelemetryBatch();
        for (var i = 0; i < 250; i++)
        {
            batch.Spans.Add(TelemetryBuilder.Span(startOffsetNanos: i));
            batch.Logs.Add(TelemetryBuilder.Log(offsetNanos: i));
        }
        batch.MetricPoints.AddRange(TelemetryBuilder.MetricPointsOfEveryType());

        await store.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(new TelemetryCounts(250, 250, 5), await store.CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Spans_on_different_days_are_all_stored()
    {
        await using var store = await OpenAsync();
        var traceId = TelemetryBuilder.NewTraceId();
        var batch = new TelemetryBatch();
        var day = TimeSpan.FromDays(1).Ticks * 100;
        batch.Spans.Add(TelemetryBuilder.Span(traceId, startOffsetNanos: -day));
        batch.Spans.Add(TelemetryBuilder.Span(traceId));
        batch.Spans.Add(TelemetryBuilder.Span(traceId, startOffsetNanos: 2 * day));

        await store.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(3, (await store.GetTraceAsync(traceId, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Retention_removes_data_older_than_the_cutoff_and_keeps_the_rest()
    {
        await using var store = await OpenAsync();
        var now = new DateTimeOffset(2026, 11, 25, 15, 30, 0, TimeSpan.Zero);
        long NanosAgo(double days) => (now.AddDays(-days) - DateTimeOffset.UnixEpoch).Ticks * 100;
        var batch = new TelemetryBatch();
        var old = TelemetryBuilder.Span() with { StartUnixNanos = NanosAgo(10), EndUnixNanos = NanosAgo(10) + 1_000 };
        var edge = TelemetryBuilder.Span() with { StartUnixNanos = NanosAgo(6.5), EndUnixNanos = NanosAgo(6.5) + 1_000 };
        var recent = TelemetryBuilder.Span() with { StartUnixNanos = NanosAgo(0.1), EndUnixNanos = NanosAgo(0.1) + 1_000 };
        batch.Spans.AddRange([old, edge, recent]);
        batch.Logs.Add(TelemetryBuilder.Log() with { TimeUnixNanos = NanosAgo(9) });
        batch.Logs.Add(TelemetryBuilder.Log() with { TimeUnixNanos = NanosAgo(1) });
        batch.MetricPoints.Add(TelemetryBuilder.MetricPointsOfEveryType().First() with { TimeUnixNanos = NanosAgo(30) });
        await store.WriteAsync(batch, CancellationToken.None);

        var results = await store.ApplyRetentionAsync(RetentionPolicy.For(new StorageOptions { RetentionDays = 7 }, now), CancellationToken.None);

        Assert.Empty(await store.GetTraceAsync(old.TraceId, CancellationToken.None));
        Assert.Single(await store.GetTraceAsync(edge.TraceId, CancellationToken.None));
        Assert.Single(await store.GetTraceAsync(recent.TraceId, CancellationToken.None));
        Assert.Equal(new TelemetryCounts(2, 1, 0), await store.CountAsync(CancellationToken.None));
        Assert.Contains(results, r => r.Table == "spans" && (r.RowsDeleted == 1 || r.PartitionsDropped.Count == 1));
    }

    private static void AssertSpan(SpanRecord expected, SpanRecord actual)
    {
        Assert.Equal(expected.TraceId, actual.TraceId);
        Assert.Equal(expected.SpanId, actual.SpanId);
        Assert.Equal(expected.ParentSpanId, actual.ParentSpanId);
        JsonAssert.Equivalent(expected.AttributesJson, actual.AttributesJson);
        JsonAssert.Equivalent(expected.EventsJson, actual.EventsJson);
        JsonAssert.Equivalent(expected.LinksJson, actual.LinksJson);
        AssertResourceAndScope(expected.Resource, expected.Scope, actual.Resource, actual.Scope);
        Assert.Equal(
            expected with { TraceId = [], SpanId = [], ParentSpanId = [], AttributesJson = "", EventsJson = "", LinksJson = "", Resource = actual.Resource, Scope = actual.Scope },
            actual with { TraceId = [], SpanId = [], ParentSpanId = [], AttributesJson = "", EventsJson = "", LinksJson = "" });
    }

    private static void AssertResourceAndScope(TelemetryResource expectedResource, TelemetryScope expectedScope, TelemetryResource actualResource, TelemetryScope actualScope)
    {
        JsonAssert.Equivalent(expectedResource.AttributesJson, actualResource.AttributesJson);
        Assert.Equal(expectedResource with { AttributesJson = "" }, actualResource with { AttributesJson = "" });
        JsonAssert.Equivalent(expectedScope.AttributesJson, actualScope.AttributesJson);
        Assert.Equal(expectedScope with { AttributesJson = "" }, actualScope with { AttributesJson = "" });
    }
}
