using Observability.Core.Kpis;

namespace Observability.Core.Roadmap;

/// <summary>Verdicts over a past window from the stored KPI series, or on the latest tick ("now").</summary>
public static class RoadmapHistory
{
    /// <summary>Most samples of one KPI a verdict reads (a month of 15-second ticks is 178,560).</summary>
    public const int MaxSamplesPerKpi = 200_000;

    public const string NowWindow = "now";

    /// <summary>The windows a verdict can be asked over, by name, in the order people pick them; "now" (zero) is the latest tick.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, TimeSpan>> Windows =
    [
        new(NowWindow, TimeSpan.Zero),
        new("1h", TimeSpan.FromHours(1)),
        new("7d", TimeSpan.FromDays(7)),
        new("30d", TimeSpan.FromDays(30)),
    ];

    /// <summary>A "now" sample older than this is stale: the KPI job is not running.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    /// <summary>The length of a named window, or null when the name is not one of <see cref="Windows"/>.</summary>
    public static TimeSpan? WindowLength(string name) =>
        Windows.FirstOrDefault(w => w.Key == name) is { Key: not null } found ? found.Value : null;

    /// <summary>
    /// Verdicts over the window of <paramref name="length"/> ending at <paramref name="now"/>; a zero length judges each
    /// target on its KPI's latest sample of the last <see cref="Freshness"/>.
    /// </summary>
    public static async Task<RoadmapVerdict> EvaluateEndingAsync(
        RoadmapDefinition roadmap, IKpiStore kpis, DateTimeOffset now, TimeSpan length, CancellationToken cancellationToken)
    {
        if (length > TimeSpan.Zero)
        {
            return await EvaluateAsync(roadmap, kpis, KpiWindow.Ending(now, length), cancellationToken);
        }
        var latest = await kpis.GetLatestSamplesAsync(now - Freshness, cancellationToken);
        return RoadmapEvaluator.Evaluate(roadmap, KpiWindow.Ending(now, Freshness),
            latest.ToDictionary(s => s.KpiId, s => s.Measurement, StringComparer.Ordinal));
    }

    public static async Task<RoadmapVerdict> EvaluateAsync(RoadmapDefinition roadmap, IKpiStore kpis, KpiWindow window, CancellationToken cancellationToken)
    {
        var series = new Dictionary<string, IReadOnlyList<KpiSample>>(StringComparer.Ordinal);
        foreach (var kpi in roadmap.AllTargets.Select(t => t.Metric).Distinct(StringComparer.Ordinal))
        {
            series[kpi] = await kpis.GetSamplesAsync(kpi, window.From, window.To, MaxSamplesPerKpi, cancellationToken);
        }
        return RoadmapEvaluator.EvaluateSeries(roadmap, window, series);
    }
}
