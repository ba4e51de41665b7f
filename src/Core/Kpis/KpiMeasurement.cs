namespace Observability.Core.Kpis;

/// <summary>
/// One KPI measured over [From, To): a value in the KPI's unit, or no value and the reason, stated so a user knows what
/// telemetry is missing ("no points of 'app.sessions.active' between ...").
/// </summary>
public sealed record KpiMeasurement(
    string KpiId,
    DateTimeOffset From,
    DateTimeOffset To,
    double? Value,
    string Unit,
    string? NoDataReason,
    string? Detail = null)
{
    public static KpiMeasurement Measured(string kpiId, KpiWindow window, double value, string unit, string? detail = null) =>
        double.IsFinite(value)
            ? new(kpiId, window.From, window.To, value, unit, null, detail)
            : NoData(kpiId, window, unit, $"the computation gave {value}" + (detail is null ? "" : $" ({detail})"));

    public static KpiMeasurement NoData(string kpiId, KpiWindow window, string unit, string reason) =>
        new(kpiId, window.From, window.To, null, unit, reason);
}

/// <summary>The half-open time range a KPI is measured over.</summary>
public sealed record KpiWindow(DateTimeOffset From, DateTimeOffset To)
{
    public TimeSpan Length => To - From;

    public static KpiWindow Ending(DateTimeOffset to, TimeSpan length) => new(to - length, to);

    /// <summary>"between 12:00:00Z and 13:00:00Z", for no-data reasons.</summary>
    public string Describe() => $"between {From.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z and {To.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";
}
