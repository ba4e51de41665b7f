using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>
/// The queries behind the query API: catalogs, trace search, log search and metric reads. Every query is bounded
/// by a time range and a limit, and served from the indexes both stores share.
/// </summary>
public interface ITelemetryReader
{
    /// <summary>Every service that has reported spans, in ordinal order.</summary>
    Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken);

    /// <summary>The operations of one service, optionally of one span kind, ordered by name and kind.</summary>
    Task<IReadOnlyList<SpanOperation>> GetOperationsAsync(string serviceName, SpanKind? kind, CancellationToken cancellationToken);

    /// <summary>
    /// Ids of traces with at least one span that matches, most recent matching span first, at most
    /// <see cref="TraceSearch.Limit"/>. Reads the (service, start time) index newest first, a bounded page at a time.
    /// </summary>
    Task<IReadOnlyList<byte[]>> FindTraceIdsAsync(TraceSearch search, CancellationToken cancellationToken);

    /// <summary>All spans of the given traces, grouped by trace id and ordered by start time within a trace.</summary>
    Task<IReadOnlyList<SpanRecord>> GetTracesAsync(IReadOnlyCollection<byte[]> traceIds, CancellationToken cancellationToken);

    /// <summary>Log records that match, newest first, at most <see cref="LogSearch.Limit"/>.</summary>
    Task<IReadOnlyList<LogRecord>> SearchLogsAsync(LogSearch search, CancellationToken cancellationToken);

    /// <summary>Every metric received, by name, type and unit, ordered by name.</summary>
    Task<IReadOnlyList<MetricDescriptor>> GetMetricDescriptorsAsync(CancellationToken cancellationToken);

    /// <summary>The distinct (service, point attributes) pairs of a metric with points in [from, to), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MetricSeriesKey>> GetMetricSeriesAsync(string metricName, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken);

    /// <summary>Points of one metric that match, ordered by time, at most <see cref="MetricSampleQuery.Limit"/>.</summary>
    Task<IReadOnlyList<MetricSample>> GetMetricSamplesAsync(MetricSampleQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// A trace search: spans of one service that started in [<see cref="StartFromUnixNanos"/>, <see cref="StartToUnixNanos"/>]
/// (both inclusive, as Jaeger's), with an optional operation name, duration range and tags.
/// </summary>
public sealed record TraceSearch
{
    public required string ServiceName { get; init; }
    public string? OperationName { get; init; }
    public required long StartFromUnixNanos { get; init; }
    public required long StartToUnixNanos { get; init; }
    public long? MinDurationNanos { get; init; }
    public long? MaxDurationNanos { get; init; }

    /// <summary>
    /// Each must match a span attribute or a resource attribute of the same span, compared as text (see
    /// <see cref="TraceSearchTags"/> for the tags Jaeger derives from span fields, such as <c>error</c>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    public required int Limit { get; init; }
}

/// <summary>The tags that Jaeger's OTLP translation derives from span fields rather than attributes; searches match them too.</summary>
public static class TraceSearchTags
{
    public const string Error = "error";
    public const string SpanKind = "span.kind";
    public const string StatusCode = "otel.status_code";
    public const string StatusDescription = "otel.status_description";
    public const string ScopeName = "otel.scope.name";
    public const string ScopeVersion = "otel.scope.version";
    public const string TraceState = "w3c.tracestate";

    /// <summary>Jaeger's text for a span kind: "server", "client", ...; "" for unspecified.</summary>
    public static string KindText(Telemetry.SpanKind kind) => kind switch
    {
        Telemetry.SpanKind.Internal => "internal",
        Telemetry.SpanKind.Server => "server",
        Telemetry.SpanKind.Client => "client",
        Telemetry.SpanKind.Producer => "producer",
        Telemetry.SpanKind.Consumer => "consumer",
        _ => "",
    };

    public static bool TryParseKind(string text, out Telemetry.SpanKind kind)
    {
        foreach (var candidate in Enum.GetValues<Telemetry.SpanKind>())
        {
            if (candidate != Telemetry.SpanKind.Unspecified && string.Equals(KindText(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }
        kind = Telemetry.SpanKind.Unspecified;
        return string.Equals(text, "unspecified", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Jaeger's text for a status code: "OK", "ERROR"; "" for unset.</summary>
    public static string StatusText(SpanStatusCode code) => code switch
    {
        SpanStatusCode.Ok => "OK",
        SpanStatusCode.Error => "ERROR",
        _ => "",
    };
}

/// <summary>
/// A log search over effective times in [<see cref="FromUnixNanos"/>, <see cref="ToUnixNanos"/>). <see cref="Text"/> is
/// a case-insensitive substring of the body's text or of any attribute value.
/// </summary>
public sealed record LogSearch
{
    public required long FromUnixNanos { get; init; }
    public required long ToUnixNanos { get; init; }
    public string? ServiceName { get; init; }
    public int? MinSeverityNumber { get; init; }
    public byte[]? TraceId { get; init; }
    public string? Text { get; init; }
    public required int Limit { get; init; }
}

/// <summary>One label set of a metric: the resource's service name and the point's attributes (stored JSON form).</summary>
/// <summary>
/// A metric series: the producing service, the resource's <see cref="MetricSampleQuery.ResourceLabels"/> it has, and
/// the point attributes.
/// </summary>
public sealed record MetricSeriesKey(string ServiceName, string? ServiceInstanceId, string? CloudRegion, string AttributesJson);

/// <summary>
/// Points of <see cref="MetricName"/> with time in [from, to) whose labels match every matcher: the label
/// <c>service.name</c> matches the resource's service name, any other a point attribute compared as text.
/// </summary>
public sealed record MetricSampleQuery
{
    public const string ServiceNameLabel = "service.name";

    /// <summary>The resource's service.instance.id, a label of every series whose resource has one, as Prometheus's "instance".</summary>
    public const string ServiceInstanceLabel = "service.instance.id";

    /// <summary>The resource's cloud.region, a label of every series whose resource has one.</summary>
    public const string CloudRegionLabel = "cloud.region";

    /// <summary>Resource attributes that label a series besides service.name: they tell its producers apart.</summary>
    public static readonly IReadOnlyList<string> ResourceLabels = [ServiceInstanceLabel, CloudRegionLabel];

    public required string MetricName { get; init; }
    public required long FromUnixNanos { get; init; }
    public required long ToUnixNanos { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Matchers { get; init; } = [];
    public required int Limit { get; init; }
}

/// <summary>A metric point as aggregation needs it: values and times without resource and scope detail.</summary>
public sealed record MetricSample
{
    public required string ServiceName { get; init; }
    public string? ServiceInstanceId { get; init; }
    public string? CloudRegion { get; init; }
    public required string AttributesJson { get; init; }
    public required MetricType Type { get; init; }
    public AggregationTemporality Temporality { get; init; }
    public bool IsMonotonic { get; init; }
    public long StartTimeUnixNanos { get; init; }
    public long TimeUnixNanos { get; init; }
    /// <summary>Gauge and sum points: the value, whether sent as a double or an integer.</summary>
    public double? Value { get; init; }
    public ulong? Count { get; init; }
    public double? Sum { get; init; }
    public double? Max { get; init; }
    /// <summary>Histogram buckets and the like, as in <see cref="MetricPointRecord.DataJson"/>.</summary>
    public string? DataJson { get; init; }
}
