using MudBlazor;

namespace Observability.Dashboard.Components.Telemetry;

/// <summary>Line-chart options that fit the values: about five y ticks (the chart's default spacing is a fixed 20), points marked.</summary>
public static class ChartOptionsFor
{
    private const int Ticks = 5;

    public static LineChartOptions Values(IEnumerable<double?> values, bool showLegend)
    {
        var max = values.Select(value => value ?? 0).DefaultIfEmpty(0).Max();
        return new LineChartOptions
        {
            ShowLegend = showLegend,
            // A step with a single value still shows as a point, where a line needs two.
            ShowDataMarkers = true,
            YAxisTicks = NiceSpacing(max / Ticks),
            MaxNumYAxisTicks = Ticks + 2,
        };
    }

    /// <summary>1, 2 or 5 times a power of ten, at least 1 (the chart takes whole tick spacings only).</summary>
    private static int NiceSpacing(double rough)
    {
        if (rough <= 1 || !double.IsFinite(rough))
        {
            return 1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var nice = new[] { 1, 2, 5, 10 }.First(factor => factor * power >= rough) * power;
        return (int)Math.Min(nice, int.MaxValue);
    }
}
