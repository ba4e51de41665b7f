using Observability.Core.Kpis;
using Observability.Core.Roadmap;

namespace Observability.Dashboard.Reports;

/// <summary>The Roadmap page's figures from the Collector's KPI store, in this process, judged as GET /api/roadmap judges them.</summary>
internal sealed class RoadmapSource(RoadmapDefinition roadmap, IKpiStore kpis, TimeProvider time) : IRoadmapSource
{
    public async Task<RoadmapReport> ReadAsync(string window, CancellationToken cancellationToken)
    {
        var length = RoadmapHistory.WindowLength(window)
            ?? throw new ArgumentException($"window '{window}' is not one of: {string.Join(", ", RoadmapHistory.Windows.Select(w => w.Key))}", nameof(window));
        var now = time.GetUtcNow();
        var verdict = await RoadmapHistory.EvaluateEndingAsync(roadmap, kpis, now, length, cancellationToken);
        var baselines = (await kpis.GetBaselinesAsync(cancellationToken)).ToDictionary(b => b.KpiId, StringComparer.Ordinal);
        var loadTests = (await kpis.GetLoadTestsAsync(cancellationToken)).OrderBy(l => l.StartedAt).ToList();
        return new RoadmapReport(window, now, roadmap, verdict, baselines, loadTests);
    }

    public async Task<KpiSeries> ReadKpiAsync(string kpiId, TimeSpan length, CancellationToken cancellationToken)
    {
        if (!KnownKpis.All.TryGetValue(kpiId, out var kpi))
        {
            throw new ArgumentException($"no KPI named '{kpiId}'", nameof(kpiId));
        }
        var window = KpiWindow.Ending(time.GetUtcNow(), length);
        var samples = await kpis.GetSamplesAsync(kpiId, window.From, window.To, RoadmapHistory.MaxSamplesPerKpi, cancellationToken);
        return new KpiSeries(kpiId, kpi.Unit, kpi.Description, window, [.. samples.Select(s => new ChartPoint(s.MeasuredAt, s.Measurement.Value))])
        {
            NoDataReason = samples.Count > 0 && samples.All(s => s.Measurement.Value is null) ? samples[^1].Measurement.NoDataReason : null,
        };
    }
}
