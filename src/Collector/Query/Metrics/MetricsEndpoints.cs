using Observability.Core.Metrics;
using System.Globalization;
using System.Text.Json.Serialization;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Query.Metrics;

/// <summary>
/// <c>/api/metrics</c>: the metrics received, the label sets of one, and per-step aggregations of one (sum, avg, max,
/// rate, quantiles of histograms).
/// </summary>
internal static class MetricsEndpoints
{
    public static void MapMetricsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/metrics", (ITelemetryStore store, CancellationToken cancellationToken) =>
            QueryJson.HandleAsync(async () =>
            {
                var descriptors = await new MetricQueryService(store).MetricsAsync(cancellationToken);
                return QueryJson.Ok(new MetricsResponse(descriptors.Select(d => new MetricResponse(d.Name, TypeName(d.Type), d.Unit, d.Description)).ToList()));
            }));

        endpoints.MapGet("/api/metrics/{name}/series", (string name, HttpRequest request, ITelemetryStore store, TimeProvider clock, CancellationToken cancellationToken) =>
            QueryJson.HandleAsync(async () =>
            {
                name = QueryArguments.PathSegment(name);
                var (from, to) = QueryArguments.TimeRange(request, clock);
                var list = await new MetricQueryService(store).SeriesAsync(name, from, to, cancellationToken);
                var series = list.Series.Select(labels => new SeriesLabels(labels)).ToList();
                return QueryJson.Ok(new SeriesResponse(name, UnixTime.Format(from), UnixTime.Format(to), series, list.Truncated));
            }));

        endpoints.MapGet("/api/metrics/{name}/query", (string name, HttpRequest request, ITelemetryStore store, TimeProvider clock, CancellationToken cancellationToken) =>
            QueryJson.HandleAsync(() => QueryAsync(QueryArguments.PathSegment(name), request, store, clock, cancellationToken)));
    }

    private static async Task<IResult> QueryAsync(string name, HttpRequest request, ITelemetryReader reader, TimeProvider clock, CancellationToken cancellationToken)
    {
        var query = ParseQuery(name, request, clock);
        var answer = await new MetricQueryService(reader).QueryAsync(query, Matchers(request), cancellationToken);
        var result = answer.Result;
        var noData = answer.UnknownMetric ? $"no metric named '{name}' has been received; GET /api/metrics lists those that have" : result.NoData;
        var stepMillis = query.StepNanos / QueryArguments.NanosPerMillisecond;
        var series = result.Series.Select(s => new SeriesPoints(
            s.Labels,
            s.Values.Select((value, i) => new object?[] { (query.FromUnixNanos / QueryArguments.NanosPerMillisecond) + i * stepMillis, value }).ToList())).ToList();
        return QueryJson.Ok(new QueryResponse(
            name,
            result.Type is { } type ? TypeName(type) : null,
            query.Aggregation.Name,
            query.By,
            UnixTime.Format(query.FromUnixNanos),
            UnixTime.Format(query.ToUnixNanos),
            StepText(query.StepNanos),
            stepMillis,
            series,
            noData,
            result.Warnings.Count > 0 ? result.Warnings : null));
    }

    internal static MetricQueryRequest ParseQuery(string name, HttpRequest request, TimeProvider clock)
    {
        var (from, to) = QueryArguments.TimeRange(request, clock);
        var aggregation = MetricAggregation.Parse(QueryArguments.Single(request, "agg") ?? throw new QueryParameterException(
            "agg is required; use sum, avg, max, rate, or a quantile such as p50, p95, p99.9"));
        long step;
        if (QueryArguments.Single(request, "step") is { } stepText)
        {
            // Steps as /api/red takes them: Go-style durations or plain seconds.
            if (!QueryParameters.TryDuration(stepText, "step", out var stepSpan, out var error))
            {
                throw new QueryParameterException(error);
            }
            step = stepSpan.Ticks * 100;
            if (step % QueryArguments.NanosPerMillisecond != 0)
            {
                throw new QueryParameterException($"step '{stepText}' is not a whole number of milliseconds; use e.g. 10s, 1m, 500ms");
            }
            var steps = (to - from + step - 1) / step;
            if (steps > MetricQueryService.MaxSteps)
            {
                throw new QueryParameterException($"step '{stepText}' gives {steps} steps from {UnixTime.Format(from)} to {UnixTime.Format(to)}; at most {MetricQueryService.MaxSteps}: use a larger step");
            }
        }
        else
        {
            step = DefaultStep(to - from);
        }
        IReadOnlyList<string>? by = null;
        if (request.Query.ContainsKey("by"))
        {
            by = (QueryArguments.Single(request, "by") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        return new MetricQueryRequest(name, from, to, step, aggregation, by);
    }

    /// <summary>The step used when none is given; see <see cref="MetricQueryService.DefaultStep"/>.</summary>
    internal static long DefaultStep(long rangeNanos) => MetricQueryService.DefaultStep(rangeNanos);

    /// <summary><c>match[label]=value</c> parameters: service.name or a point attribute, compared as text.</summary>
    private static List<KeyValuePair<string, string>> Matchers(HttpRequest request)
    {
        var matchers = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in request.Query)
        {
            if (key.StartsWith("match[", StringComparison.Ordinal) && key.EndsWith(']') && key.Length > "match[]".Length)
            {
                foreach (var value in values)
                {
                    matchers.Add(new(key["match[".Length..^1], value ?? ""));
                }
            }
            else if (key.StartsWith("match", StringComparison.Ordinal))
            {
                throw new QueryParameterException($"{key} is not a label filter; write match[label]=value, e.g. match[http.route]=/orders");
            }
        }
        return matchers;
    }

    /// <summary>A step in seconds, as /api/red writes it: <c>60s</c>, <c>0.5s</c>.</summary>
    private static string StepText(long stepNanos) => (stepNanos / 1e9).ToString(CultureInfo.InvariantCulture) + "s";

    internal static string TypeName(MetricType type) => type switch
    {
        MetricType.Gauge => "gauge",
        MetricType.Sum => "sum",
        MetricType.Histogram => "histogram",
        MetricType.ExponentialHistogram => "exponentialHistogram",
        MetricType.Summary => "summary",
        _ => "unknown",
    };

    private sealed record MetricsResponse(IReadOnlyList<MetricResponse> Metrics);

    private sealed record MetricResponse(string Name, string Type, string Unit, string Description);

    private sealed record SeriesResponse(string Metric, string From, string To, IReadOnlyList<SeriesLabels> Series, bool Truncated);

    private sealed record SeriesLabels(SortedDictionary<string, string> Labels);

    private sealed record QueryResponse(
        string Metric,
        string? Type,
        string Agg,
        IReadOnlyList<string>? By,
        string From,
        string To,
        string Step,
        long StepMillis,
        IReadOnlyList<SeriesPoints> Series,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NoData,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings);

    private sealed record SeriesPoints(SortedDictionary<string, string> Labels, IReadOnlyList<object?[]> Points);
}
