using System.Globalization;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Query.Jaeger;

/// <summary>
/// Traces through jaeger-query's HTTP API, so the Jaeger UI and Grafana's Jaeger data source can read them: services,
/// operations, trace search and trace by id. Errors use Jaeger's shape, <c>{"data":null,"errors":[{"code":..,"msg":..}]}</c>.
/// </summary>
internal static class JaegerEndpoints
{
    public const int DefaultSearchLimit = 20;
    public const int MaxSearchLimit = 1500;
    private const long NanosPerMicrosecond = 1_000;

    public static void MapJaegerEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/services", (ITelemetryStore store, CancellationToken cancellationToken) =>
            HandleAsync(async () => Ok(await store.GetServicesAsync(cancellationToken))));

        endpoints.MapGet("/api/services/{service}/operations", (string service, ITelemetryStore store, CancellationToken cancellationToken) =>
            HandleAsync(async () =>
            {
                var operations = await store.GetOperationsAsync(QueryArguments.PathSegment(service), null, cancellationToken);
                return Ok(operations.Select(o => o.Name).Distinct(StringComparer.Ordinal).ToList());
            }));

        endpoints.MapGet("/api/operations", (HttpRequest request, ITelemetryStore store, CancellationToken cancellationToken) =>
            HandleAsync(async () =>
            {
                var service = QueryArguments.Single(request, "service") ?? throw new QueryParameterException("parameter 'service' is required");
                SpanKind? kind = null;
                if (QueryArguments.Single(request, "spanKind") is { } kindText)
                {
                    kind = TraceSearchTags.TryParseKind(kindText, out var parsed)
                        ? parsed
                        : throw new QueryParameterException($"spanKind '{kindText}' is not one of server, client, producer, consumer, internal, unspecified");
                }
                var operations = await store.GetOperationsAsync(service, kind, cancellationToken);
                return Ok(operations.Select(o => new JaegerOperation(o.Name, TraceSearchTags.KindText(o.Kind))).ToList());
            }));

        endpoints.MapGet("/api/traces/{traceId}", (string traceId, ITelemetryStore store, CancellationToken cancellationToken) =>
            HandleAsync(async () =>
            {
                var id = ParseTraceId(traceId, "trace ID");
                var spans = await store.GetTracesAsync([id], cancellationToken);
                return spans.Count == 0
                    ? Error(StatusCodes.Status404NotFound, "trace not found")
                    : Ok<JaegerTrace>([JaegerTraceConverter.Convert(spans)]);
            }));

        endpoints.MapGet("/api/traces", (HttpRequest request, ITelemetryStore store, TimeProvider clock, CancellationToken cancellationToken) =>
            HandleAsync(() => request.Query.ContainsKey("traceID")
                ? GetTracesByIdAsync(request, store, cancellationToken)
                : SearchAsync(request, store, clock, cancellationToken)));
    }

    private static async Task<IResult> SearchAsync(HttpRequest request, ITelemetryReader reader, TimeProvider clock, CancellationToken cancellationToken)
    {
        var traces = await TraceLoader.SearchAsync(reader, ParseSearch(request, clock), cancellationToken);
        return Ok<JaegerTrace>(traces.Select(JaegerTraceConverter.Convert).ToList());
    }

    /// <summary>Jaeger's multi-get: <c>/api/traces?traceID=a&amp;traceID=b</c>; missing traces are listed in errors.</summary>
    private static async Task<IResult> GetTracesByIdAsync(HttpRequest request, ITelemetryReader reader, CancellationToken cancellationToken)
    {
        var ids = QueryArguments.All(request, "traceID").Select(text => ParseTraceId(text ?? "", "traceID")).ToList();
        if (ids.Count > MaxSearchLimit)
        {
            throw new QueryParameterException($"traceID is given {ids.Count} times; at most {MaxSearchLimit}");
        }
        var traces = (await TraceLoader.LoadAsync(reader, ids, cancellationToken)).Select(JaegerTraceConverter.Convert).ToList();
        var found = traces.Select(t => t.TraceId).ToHashSet(StringComparer.Ordinal);
        var missing = ids.Select(id => TraceIds.ToHex(id)).Distinct().Where(id => !found.Contains(id))
            .Select(id => new JaegerError(StatusCodes.Status404NotFound, "trace not found", id)).ToList();
        return QueryJson.Ok(new JaegerResponse<IReadOnlyList<JaegerTrace>>(traces, traces.Count, 0, 0, missing.Count > 0 ? missing : null));
    }

    internal static TraceSearch ParseSearch(HttpRequest request, TimeProvider clock)
    {
        var service = QueryArguments.Single(request, "service") ?? throw new QueryParameterException("parameter 'service' is required");
        var end = QueryArguments.Single(request, "end") is { } endText
            ? Microseconds("end", endText)
            : QueryArguments.NowUnixNanos(clock);
        long start;
        if (QueryArguments.Single(request, "start") is { } startText)
        {
            start = Microseconds("start", startText);
        }
        else
        {
            var lookback = QueryArguments.Single(request, "lookback");
            start = end - (lookback is not null && GoDuration.TryParseNanos(lookback, out var lookbackNanos) ? lookbackNanos : QueryArguments.DefaultRangeNanos);
        }
        if (start > end)
        {
            throw new QueryParameterException($"start ({start / NanosPerMicrosecond} µs) is after end ({end / NanosPerMicrosecond} µs)");
        }
        var minDuration = Duration(request, "minDuration");
        var maxDuration = Duration(request, "maxDuration");
        if (minDuration is { } min && maxDuration is { } max && max < min)
        {
            throw new QueryParameterException($"maxDuration ({GoDuration.Format(max)}) is less than minDuration ({GoDuration.Format(min)})");
        }
        var operation = QueryArguments.Single(request, "operation");
        return new TraceSearch
        {
            ServiceName = service,
            OperationName = operation,
            StartFromUnixNanos = start,
            StartToUnixNanos = end,
            MinDurationNanos = minDuration,
            MaxDurationNanos = maxDuration,
            Tags = JaegerTags.Parse(QueryArguments.Single(request, "tags"), QueryArguments.All(request, "tag")),
            Limit = QueryArguments.Limit(request, DefaultSearchLimit, MaxSearchLimit),
        };
    }

    private static long Microseconds(string name, string text)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var micros) || micros > long.MaxValue / NanosPerMicrosecond)
        {
            throw new QueryParameterException($"{name} '{text}' is not a time in microseconds since the Unix epoch");
        }
        return micros * NanosPerMicrosecond;
    }

    private static long? Duration(HttpRequest request, string name)
    {
        if (QueryArguments.Single(request, name) is not { } text)
        {
            return null;
        }
        return GoDuration.TryParseNanos(text, out var nanos)
            ? nanos
            : throw new QueryParameterException($"{name} '{text}' is not a duration; use e.g. 300ms, 1.2s");
    }

    /// <summary>1 to 32 hex digits, left-padded with zeros as Jaeger does for 64-bit ids.</summary>
    internal static byte[] ParseTraceId(string text, string name)
    {
        if (text.Length is 0 or > 32 || !text.All(char.IsAsciiHexDigit))
        {
            throw new QueryParameterException($"{name} '{text}' is not a trace id: use 32 hex digits (or 16 for a 64-bit id)");
        }
        return TraceIds.FromHex(text.PadLeft(32, '0'));
    }

    private static IResult Ok<T>(IReadOnlyList<T> data) => QueryJson.Ok(new JaegerResponse<IReadOnlyList<T>>(data, data.Count, 0, 0, null));

    private static IResult Error(int statusCode, string message) =>
        Results.Json(new JaegerResponse<object>(null, 0, 0, 0, [new JaegerError(statusCode, message)]), QueryJson.Options, statusCode: statusCode);

    private static async Task<IResult> HandleAsync(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (QueryParameterException error)
        {
            return Error(StatusCodes.Status400BadRequest, error.Message);
        }
    }
}
