using System.Globalization;
using System.Text;
using Observability.Collector.Query;
using Observability.Core.Sla;

namespace Observability.Collector.Sla;

/// <summary>GET /api/sla (the months with a report) and GET /api/sla/{yyyy-MM} (JSON, or CSV with ?format=csv). See docs/sla.md.</summary>
internal static class SlaEndpoints
{
    public static IEndpointRouteBuilder MapSlaApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/sla", GetMonthsAsync);
        endpoints.MapGet("/api/sla/{month}", GetReportAsync);
        return endpoints;
    }

    private static async Task<IResult> GetMonthsAsync(SlaCalculator calculator, TimeProvider time, CancellationToken cancellationToken) =>
        QueryJson.Ok(new { months = await calculator.MonthsAsync(time.GetUtcNow(), cancellationToken) });

    private static async Task<IResult> GetReportAsync(string month, HttpRequest request, SlaCalculator calculator, TimeProvider time, CancellationToken cancellationToken)
    {
        var format = QueryArguments.Single(request, "format") ?? "json";
        if (format is not ("json" or "csv"))
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"format '{format}' is not one of: json, csv");
        }
        if (SlaCalculator.ParseMonth(month) is not { } start)
        {
            return QueryJson.Error(StatusCodes.Status400BadRequest, $"month '{month}' is not a month written yyyy-MM");
        }
        var now = time.GetUtcNow();
        if (start > now)
        {
            return QueryJson.Error(StatusCodes.Status404NotFound, $"{month} has not begun");
        }
        var report = await calculator.ReportAsync(start, now, cancellationToken);
        return format == "csv"
            ? Results.Text(Csv(report), "text/csv; charset=utf-8", Encoding.UTF8)
            : QueryJson.Ok(report);
    }

    /// <summary>One row per figure (section, figure, value, unit, note), then one row per incident: easy to paste into a spreadsheet.</summary>
    internal static string Csv(SlaReport report)
    {
        var csv = new StringBuilder();
        void Row(params object?[] cells) => csv.AppendLine(string.Join(",", cells.Select(Cell)));
        Row("section", "figure", "value", "unit", "note");
        Row("period", "month", report.Month, "", report.Final ? "final" : $"so far, to {report.To.UtcDateTime:yyyy-MM-dd HH:mm}Z");
        Row("uptime", "objective", report.Uptime.ObjectivePercent, "%", "");
        Row("uptime", "uptime", report.Uptime.Percent, "%", report.Uptime.NoDataReason);
        Row("uptime", "allowed downtime", report.Uptime.AllowedDowntimeMinutes, "min", "over the whole month");
        Row("uptime", "used downtime", report.Uptime.UsedDowntimeMinutes, "min", report.Uptime.NoDataReason);
        Row("uptime", "error budget remaining", report.Uptime.ErrorBudgetRemainingPercent, "%", report.Uptime.NoDataReason);
        foreach (var probe in report.Uptime.Probes)
        {
            Row("probe", probe.Name, probe.Percent, "%", $"{probe.Passed} of {probe.Checks} checks passed");
        }
        Row("traffic", "requests", report.Traffic.Requests, "", report.Traffic.NoDataReason);
        Row("traffic", "error ratio", report.Traffic.ErrorRatio is { } ratio ? ratio * 100 : null, "%", report.Traffic.NoDataReason);
        Row("traffic", "p99", report.Traffic.P99Milliseconds, "ms", report.Traffic.NoDataReason);
        Row("incidents", "count", report.Incidents.Count, "", report.IncidentsNoData);
        foreach (var (name, durations) in new[] { ("MTTD", report.Mttd), ("MTTR", report.Mttr) })
        {
            Row("incidents", $"{name} mean", durations?.MeanMinutes, "min", durations is null ? report.IncidentsNoData ?? "none resolved" : $"{durations.Count} incidents");
            Row("incidents", $"{name} median", durations?.MedianMinutes, "min", "");
            Row("incidents", $"{name} p90", durations?.P90Minutes, "min", "");
        }
        Row("cost", "monthly", report.Cost.MonthlyUsd, "USD", "");
        Row("cost", "per request", report.Cost.PerRequestUsd, "USD", report.Cost.PerRequestNoData);
        Row("cost", "per user", report.Cost.PerUserUsd, "USD/month", report.Cost.PerUserNoData);
        Row("roadmap", "current phase", report.CurrentPhase, "", report.CurrentPhase is null ? "no phase has every target met" : "");
        foreach (var phase in report.Phases)
        {
            Row("roadmap", $"phase {phase.Number} {phase.Name}", phase.Verdict, "", $"{phase.Met} of {phase.Total} targets met");
        }
        csv.AppendLine();
        Row("incident", "service", "title", "severity", "impact start", "detected", "resolved", "duration min");
        foreach (var incident in report.Incidents)
        {
            Row(incident.Id, incident.Service, incident.Title, incident.Severity, incident.ImpactStart, incident.DetectedAt, incident.ResolvedAt, incident.DurationMinutes);
        }
        return csv.ToString();
    }

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            double number => number.ToString("0.######", CultureInfo.InvariantCulture),
            DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        // RFC 4180: quote cells with separators, quotes or line breaks; text starting with = + @ is defused for spreadsheets.
        if (text.Length > 0 && text[0] is '=' or '+' or '@' && value is string)
        {
            text = "'" + text;
        }
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
