namespace Observability.Core.Kpis;

/// <summary>
/// A change of the monthly cost made on the dashboard's Settings page: the figure in USD (null: back to the configured
/// cost), who set it and when. The newest one is in force on every Collector sharing the database.
/// </summary>
public sealed record CostSetting(decimal? MonthlyUsd, string SetBy, DateTimeOffset SetAt);

/// <summary>The cost settings made on the dashboard, kept as a history in the telemetry database.</summary>
public interface ICostSettingStore
{
    Task AddAsync(CostSetting setting, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> settings, newest first.</summary>
    Task<IReadOnlyList<CostSetting>> GetRecentAsync(int limit, CancellationToken cancellationToken);
}
