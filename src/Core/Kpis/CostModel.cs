using Observability.Core.Roadmap;

namespace Observability.Core.Kpis;

/// <summary>Settings "Cost:*": what the watched system costs to run.</summary>
public sealed class CostOptions
{
    public const string Section = "Cost";

    /// <summary>Monthly infrastructure cost in USD; when unset, the roadmap's infrastructure table for <see cref="Phase"/>.</summary>
    public decimal? MonthlyUsd { get; set; }

    /// <summary>The phase whose infrastructure cost applies when <see cref="MonthlyUsd"/> is unset (default 1).</summary>
    public int Phase { get; set; } = 1;
}

/// <summary>
/// The cost of running the system over a window: the monthly figure set on the dashboard's Settings page when one is in
/// force, else the settings, else the roadmap's infrastructure table.
/// </summary>
public sealed class CostModel(CostOptions options, RoadmapDefinition roadmap)
{
    /// <summary>A month as the cost model counts it: 30 days.</summary>
    public static readonly TimeSpan Month = TimeSpan.FromDays(30);

    private volatile CostSetting? _setting;

    /// <summary>The newest setting made on the dashboard, as last applied (null: none was ever made).</summary>
    public CostSetting? Setting => _setting;

    /// <summary>The monthly cost and where it comes from, or null when neither the settings nor the roadmap give one.</summary>
    public (decimal MonthlyUsd, string Source)? Monthly()
    {
        if (_setting is { MonthlyUsd: { } set } setting)
        {
            return (set, $"the Settings page (set by {setting.SetBy} at {setting.SetAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC)");
        }
        return Configured();
    }

    /// <summary>The monthly cost from the settings or the roadmap, whatever was set on the dashboard.</summary>
    public (decimal MonthlyUsd, string Source)? Configured()
    {
        if (options.MonthlyUsd is { } monthly)
        {
            return (monthly, "Cost:MonthlyUsd");
        }
        return roadmap.InfrastructureFor(options.Phase) is { } row
            ? (row.MonthlyCostUsd, $"the roadmap's infrastructure cost of phase {options.Phase}")
            : null;
    }

    /// <summary>Puts the newest dashboard setting in force (one with no figure goes back to the configured cost).</summary>
    public void Apply(CostSetting? newest) => _setting = newest;

    /// <summary>Reads the newest dashboard setting from <paramref name="store"/> and puts it in force.</summary>
    public async Task RefreshAsync(ICostSettingStore store, CancellationToken cancellationToken) =>
        Apply((await store.GetRecentAsync(1, cancellationToken)).FirstOrDefault());

    /// <summary>The monthly cost pro rata over a window.</summary>
    public decimal? Over(TimeSpan window) => Monthly() is { } monthly ? monthly.MonthlyUsd * (decimal)(window / Month) : null;
}
