using System.Text.Json;
using Observability.Collector.Ingest;
using Observability.Core.Telemetry;

namespace Observability.Collector.Monitoring;

/// <summary>
/// Metric points the Collector measures itself, written through the ingest queue like any export, so they are
/// committed, rolled into retention and queried the same way.
/// </summary>
public sealed class MonitoringPoints(IngestQueue queue, TimeProvider time, ILogger<MonitoringPoints> logger)
{
    private static readonly TelemetryScope Scope = new("Observability.Collector.Monitoring", "1.0", "{}", 0, "");

    /// <summary>The resource of a watched server: its kind as service.name, the configured name as service.instance.id.</summary>
    public static TelemetryResource Resource(string service, string instance) =>
        new(service, JsonSerializer.Serialize(new Dictionary<string, string> { ["service.name"] = service, ["service.instance.id"] = instance }));

    public static MetricPointRecord Gauge(TelemetryResource resource, string metric, string unit, long timeUnixNanos, double value, params (string Key, string Value)[] attributes) => new()
    {
        Resource = resource, Scope = Scope, MetricName = metric, Unit = unit, Type = MetricType.Gauge,
        AttributesJson = Attributes(attributes), TimeUnixNanos = timeUnixNanos, DoubleValue = value,
    };

    public static MetricPointRecord Counter(TelemetryResource resource, string metric, string unit, long startUnixNanos, long timeUnixNanos, double value, params (string Key, string Value)[] attributes) => new()
    {
        Resource = resource, Scope = Scope, MetricName = metric, Unit = unit, Type = MetricType.Sum,
        Temporality = AggregationTemporality.Cumulative, IsMonotonic = true,
        AttributesJson = Attributes(attributes), StartTimeUnixNanos = startUnixNanos, TimeUnixNanos = timeUnixNanos, DoubleValue = value,
    };

    public long NowUnixNanos => UnixTime.Nanos(time.GetUtcNow());

    /// <summary>Queues the points and waits for their commit; a full queue drops them with a warning (the next scrape comes soon).</summary>
    public async Task WriteAsync(IReadOnlyCollection<MetricPointRecord> points)
    {
        if (points.Count == 0)
        {
            return;
        }
        var batch = new TelemetryBatch();
        batch.MetricPoints.AddRange(points);
        if (queue.TryEnqueue(batch) is not { } committed)
        {
            logger.LogWarning("The ingest queue is full: {Count} monitoring points dropped", points.Count);
            return;
        }
        await committed;
    }

    private static string Attributes((string Key, string Value)[] attributes) =>
        attributes.Length == 0 ? "{}" : JsonSerializer.Serialize(attributes.ToDictionary(a => a.Key, a => a.Value));
}
