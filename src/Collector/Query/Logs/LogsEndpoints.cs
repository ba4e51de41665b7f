using System.Text.Json.Nodes;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Query.Logs;

/// <summary><c>GET /api/logs</c>: log records newest first, filtered by service, minimum severity, trace and text.</summary>
internal static class LogsEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void MapLogsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/logs", (HttpRequest request, ITelemetryStore store, TimeProvider clock, CancellationToken cancellationToken) =>
            QueryJson.HandleAsync(async () =>
            {
                var search = ParseSearch(request, clock);
                // One more than asked for tells whether there are more.
                var logs = await store.SearchLogsAsync(search with { Limit = search.Limit + 1 }, cancellationToken);
                var shown = logs.Take(search.Limit).Select(ToResponse).ToList();
                return QueryJson.Ok(new LogsResponse(
                    shown,
                    UnixTime.Format(search.FromUnixNanos),
                    UnixTime.Format(search.ToUnixNanos),
                    search.Limit,
                    logs.Count > search.Limit));
            }));
    }

    internal static LogSearch ParseSearch(HttpRequest request, TimeProvider clock)
    {
        var (from, to) = QueryArguments.TimeRange(request, clock);
        int? severity = null;
        if (QueryArguments.Single(request, "severity") is { } severityText)
        {
            severity = LogSeverity.TryParse(severityText, out var number)
                ? number
                : throw new QueryParameterException($"severity '{severityText}' is not a severity; use TRACE, DEBUG, INFO, WARN, ERROR, FATAL or a number 1-24");
        }
        byte[]? traceId = null;
        if (QueryArguments.Single(request, "traceId") is { } traceText)
        {
            traceId = traceText.Length == 32 && traceText.All(char.IsAsciiHexDigit)
                ? TraceIds.FromHex(traceText)
                : throw new QueryParameterException($"traceId '{traceText}' is not a trace id; use 32 hex digits");
        }
        return new LogSearch
        {
            FromUnixNanos = from,
            ToUnixNanos = to,
            ServiceName = QueryArguments.Single(request, "service"),
            MinSeverityNumber = severity,
            TraceId = traceId,
            Text = QueryArguments.Single(request, "text"),
            Limit = QueryArguments.Limit(request, DefaultLimit, MaxLimit),
        };
    }

    private static LogResponse ToResponse(LogRecord log) => new(
        UnixTime.Format(log.EffectiveTimeUnixNanos),
        log.ObservedTimeUnixNanos != 0 ? UnixTime.Format(log.ObservedTimeUnixNanos) : null,
        log.SeverityNumber,
        log.SeverityText,
        PlainJson.Parse(log.BodyJson),
        PlainJson.ParseObject(log.AttributesJson),
        log.TraceId.Length > 0 ? TraceIds.ToHex(log.TraceId) : null,
        log.SpanId.Length > 0 ? TraceIds.ToHex(log.SpanId) : null,
        log.Resource.ServiceName,
        PlainJson.ParseObject(log.Resource.AttributesJson),
        new ScopeResponse(log.Scope.Name, log.Scope.Version, PlainJson.ParseObject(log.Scope.AttributesJson)),
        log.EventName);

    private sealed record LogsResponse(IReadOnlyList<LogResponse> Logs, string From, string To, int Limit, bool Truncated);

    private sealed record LogResponse(
        string Time,
        string? ObservedTime,
        int SeverityNumber,
        string SeverityText,
        JsonNode? Body,
        JsonObject Attributes,
        string? TraceId,
        string? SpanId,
        string ServiceName,
        JsonObject Resource,
        ScopeResponse Scope,
        string EventName);

    private sealed record ScopeResponse(string Name, string Version, JsonObject Attributes);
}
