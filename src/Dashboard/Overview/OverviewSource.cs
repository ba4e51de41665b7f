using Microsoft.Extensions.Options;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Rollups;
using Observability.Core.Storage;

namespace Observability.Dashboard.Overview;

/// <summary>The Overview's figures from the Collector's own stores and query services, in this process.</summary>
internal sealed class OverviewSource(
    RoadmapDefinition roadmap, IKpiStore kpis, ITelemetryStore store, RedQueryService red, KpiOptions kpiOptions,
    IOptions<AlertingOptions> alerting, TimeProvider time) : IOverviewSource
{
    /// <summary>"Now" for requests/s, error ratio and p99.</summary>
    private static readonly TimeSpan RedWindow = TimeSpan.FromMinutes(1);

    private const int MaxIncidents = 20;

    /// <summary>An hour of 15-second ticks is 240 samples; the limit leaves room for a faster schedule.</summary>
    private const int MaxSparklineSamples = 1_000;

    public async Task<OverviewSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Judged on each KPI's latest tick, exactly as GET /api/roadmap?window=now and the Roadmap page judge "now".
        var verdict = await RoadmapHistory.EvaluateEndingAsync(roadmap, kpis, now, TimeSpan.Zero, cancellationToken);
        var phaseNumber = alerting.Value.Phase;
        var phase = verdict.Phases.FirstOrDefault(p => p.PhaseNumber == phaseNumber) ?? verdict.Phases[0];

        var alerts = (await store.Alerting.GetAlertsAsync(cancellationToken))
            .Where(a => a.State == AlertState.Firing)
            .OrderBy(a => a.FiringSince)
            .ToList();
        var incidents = await store.Alerting.GetIncidentsAsync(null, null, openOnly: true, MaxIncidents, cancellationToken);

        var services = await red.ServicesAsync(RedQueryService.DefaultKinds, now - RedWindow, now, cancellationToken);
        var edge = kpiOptions.EdgeService;
        var shown = string.IsNullOrEmpty(edge) ? services.FirstOrDefault() : services.FirstOrDefault(s => s.Service == edge);
        var lastHour = new Dictionary<string, IReadOnlyList<(DateTimeOffset At, double? Value)>>(StringComparer.Ordinal);
        foreach (var metric in phase.Targets.Select(t => t.Target.Metric).Distinct(StringComparer.Ordinal))
        {
            var samples = await kpis.GetSamplesAsync(metric, now - TimeSpan.FromHours(1), now, MaxSparklineSamples, cancellationToken);
            lastHour[metric] = [.. samples.Select(s => (s.MeasuredAt, s.Measurement.Value))];
        }
        return new OverviewSnapshot(now, phase, alerts, incidents, shown?.Service ?? (string.IsNullOrEmpty(edge) ? null : edge), shown?.Red)
        {
            LastHour = lastHour,
        };
    }
}
