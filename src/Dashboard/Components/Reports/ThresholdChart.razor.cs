using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Observability.Dashboard.Reports;

namespace Observability.Dashboard.Components.Reports;

/// <summary>
/// A series over time with its target (or limit) as a second, flat series, and one line of text saying what is drawn.
/// Samples without a value are left out, never drawn as zero; with none at all the chart says why instead.
/// </summary>
public sealed partial class ThresholdChart
{
    [Parameter, EditorRequired]
    public required string Title { get; set; }

    /// <summary>The legend name of the series, e.g. "response_time_p99 (ms)".</summary>
    [Parameter, EditorRequired]
    public required string SeriesName { get; set; }

    /// <summary>The points, oldest first.</summary>
    [Parameter, EditorRequired]
    public required IReadOnlyList<ChartPoint> Points { get; set; }

    [Parameter]
    public double? Threshold { get; set; }

    /// <summary>The legend name of the threshold line, e.g. "target < 500 ms".</summary>
    [Parameter]
    public string ThresholdName { get; set; } = "target";

    [Parameter]
    public string Unit { get; set; } = "";

    /// <summary>What each point stands for when the series was thinned, e.g. "each point the worst of 12 samples".</summary>
    [Parameter]
    public string? PointNote { get; set; }

    [Parameter, EditorRequired]
    public required string NoDataText { get; set; }

    /// <summary>About this many time labels across the axis, the rest left blank so they do not overlap.</summary>
    private const int TimeLabels = 6;

    private IReadOnlyList<(DateTime At, double Value)> Drawn =>
        [.. Points.Where(p => p.Value is { } v && double.IsFinite(v)).Select(p => (p.At.UtcDateTime, p.Value!.Value))];

    /// <summary>
    /// The samples are evenly spaced (one per KPI tick, or per thinned group), so each is one step of the axis; a sample
    /// without a value stays a gap in the line.
    /// </summary>
    private List<ChartSeries<double>> Series
    {
        get
        {
            var values = Points.Select(p => p.Value is { } v && double.IsFinite(v) ? v : (double?)null).ToList();
            var series = new List<ChartSeries<double>> { new() { Name = SeriesName, Data = new ChartData<double>(values) } };
            if (Threshold is { } threshold)
            {
                series.Add(new ChartSeries<double> { Name = ThresholdName, Data = new ChartData<double>([.. Points.Select(_ => threshold)]) });
            }
            return series;
        }
    }

    private string[] Labels
    {
        get
        {
            var span = Points.Count > 1 ? Points[^1].At - Points[0].At : TimeSpan.Zero;
            var format = span > TimeSpan.FromDays(1) ? "MM-dd HH:mm" : "HH:mm";
            var every = Math.Max(1, Points.Count / TimeLabels);
            return [.. Points.Select((p, i) => i % every == 0 ? p.At.UtcDateTime.ToString(format, CultureInfo.InvariantCulture) : "")];
        }
    }

    private LineChartOptions Options => new() { ShowDataMarkers = Points.Count <= 60 };

    /// <summary>"240 samples from 12:00 to 13:00 UTC, 380 to 420 ms; target < 500 ms".</summary>
    internal string Summary
    {
        get
        {
            var drawn = Drawn;
            var low = drawn.Min(p => p.Value);
            var high = drawn.Max(p => p.Value);
            var format = (drawn[^1].At - drawn[0].At) > TimeSpan.FromDays(1) ? "yyyy-MM-dd HH:mm" : "HH:mm";
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{drawn.Count} point{(drawn.Count == 1 ? "" : "s")} from {drawn[0].At.ToString(format, CultureInfo.InvariantCulture)} to {drawn[^1].At.ToString(format, CultureInfo.InvariantCulture)} UTC, {ReportText.Number(low)} to {ReportText.Number(high)} {Unit}");
            text = text.TrimEnd();
            if (Threshold is not null)
            {
                text += $"; {ThresholdName}";
            }
            return PointNote is null ? text : $"{text} ({PointNote})";
        }
    }
}
