using Observability.Core.Kpis;
using Observability.Core.Roadmap;

namespace Observability.Core.Tests.Kpis;

/// <summary>Which monthly cost is in force: the newest figure set on the dashboard, else Cost:MonthlyUsd, else the roadmap's table.</summary>
public sealed class CostModelTests
{
    private static readonly RoadmapDefinition Roadmap = RoadmapLoader.Load(Path.Combine(AppContext.BaseDirectory, "roadmap.yaml"));
    private static readonly DateTimeOffset At = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_figure_set_on_the_dashboard_wins_until_a_return_to_the_configuration()
    {
        var model = new CostModel(new CostOptions { MonthlyUsd = 3000 }, Roadmap);
        Assert.Equal((3000m, "Cost:MonthlyUsd"), model.Monthly());

        model.Apply(new CostSetting(4500m, "ada", At));
        Assert.Equal((4500m, "the Settings page (set by ada at 2026-11-26 03:00 UTC)"), model.Monthly());
        Assert.Equal(150.0, (double)model.Over(TimeSpan.FromDays(1))!.Value, precision: 6);
        Assert.Equal((3000m, "Cost:MonthlyUsd"), model.Configured());

        model.Apply(new CostSetting(null, "ada", At.AddMinutes(1)));
        Assert.Equal((3000m, "Cost:MonthlyUsd"), model.Monthly());
    }

    [Fact]
    public async Task Refreshing_takes_the_newest_stored_setting()
    {
        var store = new ListStore([new CostSetting(100m, "old", At), new CostSetting(250m, "new", At.AddHours(1))]);
        var model = new CostModel(new CostOptions { Phase = 2 }, Roadmap);
        Assert.Equal(Roadmap.InfrastructureFor(2)!.MonthlyCostUsd, model.Monthly()!.Value.MonthlyUsd);

        await model.RefreshAsync(store, CancellationToken.None);

        Assert.Equal(250m, model.Monthly()!.Value.MonthlyUsd);
    }

    private sealed class ListStore(List<CostSetting> settings) : ICostSettingStore
    {
        public Task AddAsync(CostSetting setting, CancellationToken cancellationToken)
        {
            settings.Add(setting);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<CostSetting>> GetRecentAsync(int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CostSetting>>([.. settings.OrderByDescending(s => s.SetAt).Take(limit)]);
    }
}
