namespace Observability.Core.Kpis;

/// <summary>A KPI measured at one tick: the series the roadmap's verdicts and charts read.</summary>
public sealed record KpiSample(KpiMeasurement Measurement)
{
    public string KpiId => Measurement.KpiId;

    /// <summary>The tick: the end of the window the KPI was measured over.</summary>
    public DateTimeOffset MeasuredAt => Measurement.To;

    public TimeSpan Window => Measurement.To - Measurement.From;
}

/// <summary>A load test attached to a phase as evidence: how many users, from when to when.</summary>
public sealed record LoadTestRecord(string Id, int Phase, int Users, DateTimeOffset StartedAt, DateTimeOffset EndedAt, string Note, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>KPI series, baselines and load-test evidence, kept in the telemetry database.</summary>
public interface IKpiStore : IKpiBaselines
{
    /// <summary>
    /// Stores samples; a sample of a KPI, window and tick already stored is left as it is, so a tick computed twice
    /// (two Collectors, a retried job) is stored once. Returns how many were new.
    /// </summary>
    Task<int> AddSamplesAsync(IReadOnlyCollection<KpiSample> samples, CancellationToken cancellationToken);

    /// <summary>Samples of one KPI with ticks in [from, to), oldest first.</summary>
    Task<IReadOnlyList<KpiSample>> GetSamplesAsync(string kpiId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>The newest sample of every KPI measured at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<KpiSample>> GetLatestSamplesAsync(DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Records (or replaces) the baseline of a KPI.</summary>
    Task SetBaselineAsync(KpiBaseline baseline, CancellationToken cancellationToken);

    Task<IReadOnlyList<KpiBaseline>> GetBaselinesAsync(CancellationToken cancellationToken);

    Task AddLoadTestAsync(LoadTestRecord loadTest, CancellationToken cancellationToken);

    Task<IReadOnlyList<LoadTestRecord>> GetLoadTestsAsync(CancellationToken cancellationToken);
}
