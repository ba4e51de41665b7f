using Hangfire;
using Microsoft.Extensions.Options;
using Observability.Collector.Alerting;
using Observability.Core.Alerting.Slo;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Storage;

namespace Observability.Collector.Roadmap;

/// <summary>
/// The recurring KPI tick: measures every KPI the roadmap needs over the measurement window ending at the tick and
/// stores the samples. Ticks are aligned to the schedule and stored once per KPI and tick, so when several Collectors
/// share a database, a tick computed twice is still one sample. The SLOs' SLI, budget and burn-rate series are stored
/// on the same ticks.
/// </summary>
public sealed class KpiJob(
    KpiCalculator calculator,
    SloCalculator slos,
    AlertRuleSet alerting,
    ITelemetryStore store,
    CostModel cost,
    RoadmapDefinition roadmap,
    IOptions<RoadmapOptions> options,
    TimeProvider time,
    ILogger<KpiJob> logger)
{
    public const string RecurringJobId = "roadmap-kpis";

    private static readonly TimeSpan Alignment = TimeSpan.FromSeconds(15);

    /// <summary>The KPIs measured each tick: those the roadmap targets, and the bases of its change targets.</summary>
    public IReadOnlyList<string> KpiIds { get; } = [.. roadmap.AllTargets
        .SelectMany(t => KnownKpis.BaseOf(t.Metric) is { } baseId ? new[] { t.Metric, baseId } : [t.Metric])
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)];

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var tick = new DateTimeOffset(now.UtcTicks - now.UtcTicks % Alignment.Ticks, TimeSpan.Zero);
        var stored = await MeasureAsync(tick, cancellationToken);
        logger.LogDebug("KPI tick {Tick:O}: {Stored} new samples", tick, stored);
    }

    /// <summary>Measures every KPI over the window ending at <paramref name="tick"/>; returns how many samples were new.</summary>
    public async Task<int> MeasureAsync(DateTimeOffset tick, CancellationToken cancellationToken)
    {
        // A cost set on the dashboard of any Collector sharing the database is in force from the next tick.
        try
        {
            await cost.RefreshAsync(store.CostSettings, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning(error, "The cost settings could not be read; the cost KPIs keep the last cost known");
        }
        var samples = new List<KpiSample>(KpiIds.Count);
        foreach (var kpi in KpiIds)
        {
            var window = KpiWindow.Ending(tick, KnownKpis.All[kpi].MeasurementWindow ?? options.Value.MeasurementWindow);
            try
            {
                samples.Add(new KpiSample(await calculator.MeasureAsync(kpi, window, cancellationToken)));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // One KPI failing (a database hiccup) must not cost the others their tick; it says why instead.
                logger.LogWarning(error, "KPI {Kpi} failed at {Tick:O}", kpi, tick);
                samples.Add(new KpiSample(KpiMeasurement.NoData(kpi, window, KnownKpis.All[kpi].Unit, $"the measurement failed: {error.Message}")));
            }
        }
        foreach (var slo in alerting.Slos)
        {
            try
            {
                samples.AddRange((await slos.SnapshotAsync(slo, tick, cancellationToken)).Select(measurement => new KpiSample(measurement)));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning(error, "SLO {Slo} failed at {Tick:O}", slo.Name, tick);
            }
        }
        return await store.Kpis.AddSamplesAsync(samples, cancellationToken);
    }
}
