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

/// <summary>The cost of running the system over a window, from the settings or the roadmap's infrastructure table.</summary>
public sealed class CostModel(CostOptions options, RoadmapDefinition roadmap)
{
    /// <summary>A month as the cost model counts it: 30 days.</summary>
    public static readonly TimeSpan Month = TimeSpan.FromDays(30);

    /// <summary>The monthly cost and where it comes from, or null when neither the settings nor the roadmap give one.</summary>
    public (decimal MonthlyUsd, string Source)? Monthly()
    {
        if (options.MonthlyUsd is { } monthly)
        {
            return (monthly, "Cost:MonthlyUsd");
        }
        return roadmap.InfrastructureFor(options.Phase) is { } row
            ? (row.MonthlyCostUsd, $"the roadmap's infrastructure cost of phase {options.Phase}")
            : null;
    }

    /// <summary>The monthly cost pro rata over a window.</summary>
    public decimal? Over(TimeSpan window) => Monthly() is { } monthly ? monthly.MonthlyUsd * (decimal)(window / Month) : null;
}
