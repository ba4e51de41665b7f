using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Observability.Dashboard.Components.Shared;

/// <summary>A small line of a KPI's last hour with its target as a dashed line; gaps (no data) are left out, never drawn as zero.</summary>
public sealed partial class SparklineChart
{
    public const int WidthPixels = 120;
    public const int HeightPixels = 24;

    /// <summary>The samples, oldest first: time and value (null: no data at that tick).</summary>
    [Parameter, EditorRequired]
    public required IReadOnlyList<(DateTimeOffset At, double? Value)> Samples { get; set; }

    [Parameter]
    public double? Threshold { get; set; }

    [Parameter]
    public string Unit { get; set; } = "";

    private IReadOnlyList<(DateTimeOffset At, double Value)> Points =>
        [.. Samples.Where(s => s.Value is { } v && double.IsFinite(v)).Select(s => (s.At, s.Value!.Value))];

    /// <summary>The range the y axis spans: the values, and the threshold so the target line is always in view.</summary>
    private (double Low, double High) Range
    {
        get
        {
            var values = Points.Select(p => p.Value).Concat(Threshold is { } t ? [t] : []).ToList();
            var low = values.Min();
            var high = values.Max();
            return high > low ? (low, high) : (low - 1, high + 1);
        }
    }

    private double Y(double value)
    {
        var (low, high) = Range;
        // One pixel of margin so a flat line at the edge stays visible.
        return 1 + (HeightPixels - 2) * (1 - (value - low) / (high - low));
    }

    private string? ThresholdY => Threshold is { } t && Points.Count >= 2 ? Format(Y(t)) : null;

    private string Polyline
    {
        get
        {
            var points = Points;
            var first = points[0].At;
            var span = Math.Max(1, (points[^1].At - first).TotalSeconds);
            return string.Join(' ', points.Select(p => $"{Format((p.At - first).TotalSeconds / span * WidthPixels)},{Format(Y(p.Value))}"));
        }
    }

    internal string Description
    {
        get
        {
            var points = Points;
            if (points.Count == 0)
            {
                return "last hour: no data";
            }
            var values = points.Select(p => p.Value).ToList();
            return $"last hour: {points.Count} samples, {TargetBadge.Format(values.Min())} to {TargetBadge.Format(values.Max())} {Unit}".TrimEnd();
        }
    }

    private static string Format(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
