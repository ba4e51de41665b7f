using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Observability.Core.Rollups;

namespace Observability.Dashboard.Components.Telemetry;

/// <summary>Requests/s, error ratio and p50/p95/p99 of one service per step, as three line charts.</summary>
public sealed partial class RedCharts
{
    /// <summary>About this many time labels under a chart; the rest are left blank so they stay readable.</summary>
    private const int MaxLabels = 6;

    [Parameter, EditorRequired]
    public required IReadOnlyList<RedPoint> Series { get; set; }

    [Parameter, EditorRequired]
    public required TimeSpan Step { get; set; }

    private List<ChartSeries<double>> RateSeries { get; set; } = [];

    private List<ChartSeries<double>> ErrorSeries { get; set; } = [];

    private List<ChartSeries<double>> DurationSeries { get; set; } = [];

    private string[] Labels { get; set; } = [];

    private LineChartOptions RateOptions { get; set; } = new();

    private LineChartOptions ErrorOptions { get; set; } = new();

    private LineChartOptions DurationOptions { get; set; } = new();

    private string StepText => Step.TotalMinutes >= 1 && Step.TotalMinutes % 1 == 0
        ? $"{Step.TotalMinutes:0} min"
        : $"{Step.TotalSeconds:0} s";

    protected override void OnParametersSet()
    {
        var every = Math.Max(1, (int)Math.Ceiling(Series.Count / (double)MaxLabels));
        Labels = [.. Series.Select((point, i) => i % every == 0 ? point.Time.ToString("HH:mm", CultureInfo.InvariantCulture) : "")];
        RateSeries = [Line("requests/s", point => point.RequestRatePerSecond)];
        // A step without requests has no error ratio and no percentiles: a gap, not a zero.
        ErrorSeries = [Line("error %", point => point.ErrorRatio * 100)];
        DurationSeries = [Line("p50", point => point.P50Ms), Line("p95", point => point.P95Ms), Line("p99", point => point.P99Ms)];
        RateOptions = ChartOptionsFor.Values(Series.Select(point => (double?)point.RequestRatePerSecond), showLegend: false);
        ErrorOptions = ChartOptionsFor.Values(Series.Select(point => point.ErrorRatio * 100), showLegend: false);
        DurationOptions = ChartOptionsFor.Values(Series.Select(point => point.P99Ms), showLegend: true);
    }

    private ChartSeries<double> Line(string name, Func<RedPoint, double?> value) => new()
    {
        Name = name,
        Data = new ChartData<double>([.. Series.Select(value)]),
    };
}
