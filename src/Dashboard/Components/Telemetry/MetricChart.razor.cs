using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Observability.Core.Metrics;

namespace Observability.Dashboard.Components.Telemetry;

/// <summary>A metric query's series as lines over its steps, with each series' labels and latest value spelled out.</summary>
public sealed partial class MetricChart
{
    private const int MaxLabels = 6;

    /// <summary>Lines drawn at most; the legend says how many more there were.</summary>
    public const int MaxLines = 20;

    [Parameter, EditorRequired]
    public required MetricQueryAnswer Answer { get; set; }

    private List<ChartSeries<double>> Lines { get; set; } = [];

    private string[] Labels { get; set; } = [];

    private List<string> Summaries { get; set; } = [];

    private LineChartOptions Options { get; set; } = new();

    protected override void OnParametersSet()
    {
        var request = Answer.Request;
        var steps = request.StepCount;
        var every = Math.Max(1, (int)Math.Ceiling(steps / (double)MaxLabels));
        Labels = [.. Enumerable.Range(0, steps).Select(i => i % every == 0
            ? DateTimeOffset.UnixEpoch.AddTicks((request.FromUnixNanos + i * request.StepNanos) / 100).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)
            : "")];
        var shown = Answer.Result.Series.Take(MaxLines).ToList();
        Lines = [.. shown.Select(series => new ChartSeries<double> { Name = Name(series), Data = new ChartData<double>(series.Values) })];
        Summaries = [.. shown.Select(Summary)];
        Options = ChartOptionsFor.Values(shown.SelectMany(series => series.Values), showLegend: false);
        if (Answer.Result.Series.Count > MaxLines)
        {
            Summaries.Add($"{Answer.Result.Series.Count - MaxLines} more series not drawn: group by a label to see fewer lines.");
        }
    }

    private string Summary(MetricSeriesValues series)
    {
        var latest = series.Values.LastOrDefault(value => value is not null);
        var value = latest is { } number ? number.ToString("0.###", CultureInfo.InvariantCulture) : "no value";
        return $"{Name(series)}: {Answer.Request.Aggregation.Name} latest {value}";
    }

    /// <summary>"service.name=checkout, route=/orders", or "all series" for the merge of everything.</summary>
    public static string Name(MetricSeriesValues series) => series.Labels.Count == 0
        ? "all series"
        : string.Join(", ", series.Labels.Select(label => $"{label.Key}={label.Value}"));
}
