using Observability.Core.Kpis;

namespace Observability.Core.Roadmap;

/// <summary>Verdicts over a past window from the stored KPI series.</summary>
public static class RoadmapHistory
{
    /// <summary>Most samples of one KPI a verdict reads (a month of 15-second ticks is 178,560).</summary>
    public const int MaxSamplesPerKpi = 200_000;

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
