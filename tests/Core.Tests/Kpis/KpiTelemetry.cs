using System.Text.Json;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Kpis;

/// <summary>Synthetic telemetry for KPI tests, relative to a window of ten minutes from <see cref="T0"/>.</summary>
internal static class KpiTelemetry
{
    public static readonly long T0 = TelemetryBuilder.BaseTimeUnixNanos;
    public static readonly DateTimeOffset Start = DateTimeOffset.UnixEpoch.AddTicks(T0 / 100);
    public const long Second = 1_000_000_000;

    private static readonly TelemetryScope Scope = new("kpi-tests", "1.0", "{}", 0, "");

    public static TelemetryResource Resource(string service, string? instance = null, string? region = null)
    {
        var attributes = new Dictionary<string, string> { ["service.name"] = service };
        if (instance is not null)
        {
            attributes["service.instance.id"] = instance;
        }
        if (region is not null)
        {
            attributes["cloud.region"] = region;
        }
        return new TelemetryResource(service, JsonSerializer.Serialize(attributes));
    }

    public static string Attributes(params (string Key, string Value)[] attributes) =>
        JsonSerializer.Serialize(attributes.ToDictionary(a => a.Key, a => a.Value));

    public static MetricPointRecord Gauge(TelemetryResource resource, string metric, long atSeconds, double value, string unit = "", params (string, string)[] attributes) => new()
    {
        Resource = resource, Scope = Scope, MetricName = metric, Unit = unit, Type = MetricType.Gauge,
        AttributesJson = Attributes(attributes), TimeUnixNanos = T0 + atSeconds * Second, DoubleValue = value,
    };

    /// <summary>A cumulative sum point that started ten minutes before the window.</summary>
    public static MetricPointRecord Cumulative(TelemetryResource resource, string metric, long atSeconds, double value, bool monotonic = true, string unit = "", params (string, string)[] attributes) => new()
    {
        Resource = resource, Scope = Scope, MetricName = metric, Unit = unit, Type = MetricType.Sum,
        Temporality = AggregationTemporality.Cumulative, IsMonotonic = monotonic,
        AttributesJson = Attributes(attributes), StartTimeUnixNanos = T0 - 600 * Second, TimeUnixNanos = T0 + atSeconds * Second, DoubleValue = value,
    };

    /// <summary>A delta histogram point covering the ten seconds before <paramref name="atSeconds"/>.</summary>
    public static MetricPointRecord Histogram(TelemetryResource resource, string metric, string unit, long atSeconds, double[] bounds, ulong[] counts, double? max = null, params (string, string)[] attributes) => new()
    {
        Resource = resource, Scope = Scope, MetricName = metric, Unit = unit, Type = MetricType.Histogram,
        Temporality = AggregationTemporality.Delta, AttributesJson = Attributes(attributes),
        StartTimeUnixNanos = T0 + (atSeconds - 10) * Second, TimeUnixNanos = T0 + atSeconds * Second,
        Count = counts.Aggregate(0UL, (a, b) => a + b), Sum = 0, Max = max,
        DataJson = JsonSerializer.Serialize(new { bucketCounts = counts, explicitBounds = bounds }),
    };

    public static SpanRecord Span(string service, SpanKind kind, long atSeconds, double durationMilliseconds, SpanStatusCode status = SpanStatusCode.Unset) => new()
    {
        Resource = Resource(service), Scope = Scope, TraceId = TelemetryBuilder.NewTraceId(), SpanId = TelemetryBuilder.NewSpanId(),
        Name = "GET /", Kind = kind, StartUnixNanos = T0 + atSeconds * Second,
        EndUnixNanos = T0 + atSeconds * Second + (long)(durationMilliseconds * 1_000_000), StatusCode = status,
    };

    /// <summary>Server spans of 1, 2, ... n milliseconds, spread over the window.</summary>
    public static IEnumerable<SpanRecord> ServerSpans(string service, int count, double millisecondsEach = 0) =>
        Enumerable.Range(1, count).Select(i => Span(service, SpanKind.Server, i % 590, millisecondsEach > 0 ? millisecondsEach : i));
}
