using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Components.Traces;

/// <summary>A search's traces as points, minutes before the search against duration, errors a series of their own: outliers stand out at a glance.</summary>
public sealed partial class TraceDurationChart
{
    private ScatterPlotChartOptions Options { get; set; } = new();

    [Parameter, EditorRequired]
    public required IReadOnlyList<TraceSummary> Traces { get; set; }

    [Parameter]
    public DateTimeOffset SearchedAt { get; set; }

    private List<ChartSeries<double>> Series { get; set; } = [];

    private string Description { get; set; } = "";

    protected override void OnParametersSet()
    {
        var searchedAtNanos = (SearchedAt - DateTimeOffset.UnixEpoch).Ticks * 100;
        (double, double) Point(TraceSummary trace) =>
            (-(searchedAtNanos - trace.StartUnixNanos) / 60e9, trace.DurationNanos / 1e6);
        var ok = Traces.Where(t => t.ErrorCount == 0).Select(Point).ToList();
        var failed = Traces.Where(t => t.ErrorCount > 0).Select(Point).ToList();
        Series =
        [
            new() { Name = $"without errors ({ok.Count})", Data = new ChartData<double>(ok) },
            new() { Name = $"with errors ({failed.Count})", Data = new ChartData<double>(failed) },
        ];
        var minutesBack = Math.Max(1, -Traces.Min(t => Point(t).Item1));
        Options = new ScatterPlotChartOptions
        {
            XAxisTitle = "minutes before the search",
            YAxisTitle = "duration (ms)",
            XAxisFormat = "0.#",
            XAxisTicks = (int)NiceStep(Math.Max(1, minutesBack / 5)),
            PointRadius = 4,
            // Blue for traces without errors, red for those with: the same red as the error marks.
            ChartPalette = ["#4e79a7", "#e15759"],
        };
        var shortest = Traces.Min(t => t.DurationNanos);
        var longest = Traces.Max(t => t.DurationNanos);
        Description = string.Create(CultureInfo.InvariantCulture,
            $"{Traces.Count} traces, {failed.Count} with errors; durations {DurationText.Format(shortest)} to {DurationText.Format(longest)}");
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="rough"/> (at least 1): whole minutes people can read.</summary>
    private static double NiceStep(double rough)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return new[] { 1, 2, 5, 10 }.Select(m => m * power).First(step => step >= rough);
    }
}
