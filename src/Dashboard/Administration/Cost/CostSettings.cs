using System.Globalization;
using Observability.Core.Kpis;
using Observability.Core.Storage;

namespace Observability.Dashboard.Administration.Cost;

/// <summary>
/// The Settings page's cost model: the monthly cost set by an admin (stored as a history in the telemetry database, so
/// every Collector sharing it takes the newest at its next KPI tick; this process at once), or back to the configured one.
/// </summary>
public sealed class CostSettings(CostModel cost, ITelemetryStore store, TimeProvider time)
{
    /// <summary>More than any system this product watches is likely to cost, and a guard against a slipped key.</summary>
    public const decimal MaxMonthlyUsd = 1_000_000_000m;

    /// <summary>The newest settings, newest first; the newest is put in force here too (a restart, or another Collector's change).</summary>
    public async Task<IReadOnlyList<CostSetting>> HistoryAsync(int limit, CancellationToken cancellationToken)
    {
        var history = await store.CostSettings.GetRecentAsync(limit, cancellationToken);
        cost.Apply(history.FirstOrDefault());
        return history;
    }

    /// <summary>Sets the monthly cost as typed ("4200", "4,200.50"); <see cref="ArgumentException"/> names what is wrong with it.</summary>
    public async Task<CostSetting> SetAsync(string typed, string by, CancellationToken cancellationToken)
    {
        var text = typed.Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException("Give the monthly cost in US dollars, e.g. 4200 or 4200.50");
        }
        if (!decimal.TryParse(text, NumberStyles.AllowThousands | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var monthly))
        {
            throw new ArgumentException($"Monthly cost '{text}' is not a number of US dollars like 4200 or 4200.50");
        }
        if (monthly < 0)
        {
            throw new ArgumentException($"Monthly cost {text} must not be negative");
        }
        if (monthly > MaxMonthlyUsd)
        {
            throw new ArgumentException($"Monthly cost {text} is more than {MaxMonthlyUsd.ToString("#,##0", CultureInfo.InvariantCulture)} USD; check the figure");
        }
        return await SaveAsync(new CostSetting(decimal.Round(monthly, 2), by, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>Goes back to the configured cost (Cost:MonthlyUsd, or the roadmap's infrastructure cost of Cost:Phase).</summary>
    public Task<CostSetting> UseConfiguredAsync(string by, CancellationToken cancellationToken) =>
        SaveAsync(new CostSetting(null, by, time.GetUtcNow()), cancellationToken);

    private async Task<CostSetting> SaveAsync(CostSetting setting, CancellationToken cancellationToken)
    {
        await store.CostSettings.AddAsync(setting, cancellationToken);
        cost.Apply(setting);
        return setting;
    }
}
