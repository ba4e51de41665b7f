using Bunit;
using Observability.Dashboard.Components.Administration;

namespace Observability.Dashboard.Tests.Administration;

public sealed class CostSectionTests : AdministrationContext
{
    [Fact]
    public void Shows_the_roadmaps_infrastructure_cost_of_the_phase_when_no_monthly_figure_is_set()
    {
        var expected = Roadmap.InfrastructureFor(2)!.MonthlyCostUsd;

        var section = Context.Render<CostSection>();

        Assert.Equal($"{expected:#,##0.##} USD a month, from the roadmap's infrastructure cost of phase 2.", section.Find("[data-testid=cost-monthly]").TextContent.Trim());
        Assert.Contains("set Cost:MonthlyUsd", section.Find("[data-testid=cost-how]").TextContent);
    }

    [Fact]
    public void Shows_the_configured_monthly_cost_and_its_setting()
    {
        Cost.MonthlyUsd = 4200.5m;

        var section = Context.Render<CostSection>();

        Assert.Equal("4,200.5 USD a month, from Cost:MonthlyUsd.", section.Find("[data-testid=cost-monthly]").TextContent.Trim());
    }
}
