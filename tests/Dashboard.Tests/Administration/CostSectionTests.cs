using Bunit;
using Observability.Core.Security;
using Observability.Dashboard.Components.Administration;

namespace Observability.Dashboard.Tests.Administration;

public sealed class CostSectionTests : AdministrationContext
{
    private IRenderedComponent<CostSection> Open(string role)
    {
        SignInAs(role == KnownRoles.Admin ? "ada" : "sam", role);
        return Context.Render<CostSection>();
    }

    [Fact]
    public void Shows_the_roadmaps_infrastructure_cost_of_the_phase_when_no_monthly_figure_is_set()
    {
        var expected = Roadmap.InfrastructureFor(2)!.MonthlyCostUsd;

        var section = Open(KnownRoles.Sre);

        Assert.Equal($"{expected:#,##0.##} USD a month, from the roadmap's infrastructure cost of phase 2.", section.Find("[data-testid=cost-monthly]").TextContent.Trim());
        // An SRE reads it; only admins set it.
        Assert.Empty(section.FindAll("[data-testid=cost-form]"));
        Assert.Contains("Admins set the monthly cost here", section.Find("[data-testid=cost-how]").TextContent);
    }

    [Fact]
    public void Shows_the_configured_monthly_cost_and_its_setting()
    {
        Cost.MonthlyUsd = 4200.5m;

        var section = Open(KnownRoles.Admin);

        Assert.Equal("4,200.5 USD a month, from Cost:MonthlyUsd.", section.Find("[data-testid=cost-monthly]").TextContent.Trim());
        Assert.Contains("Configured: 4,200.5 USD a month, from Cost:MonthlyUsd.", section.Find("[data-testid=cost-how]").TextContent);
    }

    [Fact]
    public async Task An_admin_sets_the_monthly_cost_it_is_in_force_stored_and_listed_then_goes_back_to_the_configured_one()
    {
        Cost.MonthlyUsd = 4200m;
        var section = Open(KnownRoles.Admin);

        section.Find("[data-testid=cost-input]").Input("5,150.25");
        section.Find("button[data-testid=cost-save]").Click();

        Assert.Equal("The monthly cost is now 5,150.25 USD; the cost KPIs use it from their next tick.", section.Find("[data-testid=cost-message]").TextContent.Trim());
        Assert.Equal("5,150.25 USD a month, from the Settings page (set by ada at 2026-11-26 03:00 UTC).", section.Find("[data-testid=cost-monthly]").TextContent.Trim());
        var model = Services<Observability.Core.Kpis.CostModel>();
        Assert.Equal(5150.25m, model.Monthly()!.Value.MonthlyUsd);
        var stored = Assert.Single(await Store.CostSettings.GetRecentAsync(10, CancellationToken.None));
        Assert.Equal((5150.25m, "ada"), (stored.MonthlyUsd, stored.SetBy));
        Assert.Equal(["5,150.25 USD a month, by ada at 2026-11-26 03:00 UTC"], section.FindAll("[data-testid=cost-change]").Select(li => li.TextContent));

        Time.Advance(TimeSpan.FromMinutes(5));
        section.Find("button[data-testid=cost-use-configured]").Click();

        Assert.Equal("Back to the configured cost: 4,200 USD a month, from Cost:MonthlyUsd.", section.Find("[data-testid=cost-message]").TextContent.Trim());
        Assert.Equal(4200m, model.Monthly()!.Value.MonthlyUsd);
        Assert.Equal(["back to the configured cost, by ada at 2026-11-26 03:05 UTC", "5,150.25 USD a month, by ada at 2026-11-26 03:00 UTC"],
            section.FindAll("[data-testid=cost-change]").Select(li => li.TextContent));
        Assert.Empty(section.FindAll("button[data-testid=cost-use-configured]"));
    }

    [Theory]
    [InlineData("", "Give the monthly cost in US dollars, e.g. 4200 or 4200.50.")]
    [InlineData("12x", "Monthly cost '12x' is not a number of US dollars like 4200 or 4200.50.")]
    [InlineData("-5", "Monthly cost -5 must not be negative.")]
    [InlineData("2000000000", "Monthly cost 2000000000 is more than 1,000,000,000 USD; check the figure.")]
    public async Task A_figure_that_is_not_a_cost_is_refused_naming_the_problem_and_nothing_is_stored(string typed, string message)
    {
        var section = Open(KnownRoles.Admin);

        section.Find("[data-testid=cost-input]").Input(typed);
        section.Find("button[data-testid=cost-save]").Click();

        Assert.Equal(message, section.Find("[data-testid=cost-message]").TextContent.Trim());
        Assert.Empty(await Store.CostSettings.GetRecentAsync(10, CancellationToken.None));
        Assert.Contains("from the roadmap's infrastructure cost of phase 2", section.Find("[data-testid=cost-monthly]").TextContent);
    }

    [Fact]
    public async Task A_cost_set_by_another_collector_is_shown_and_put_in_force_when_the_section_opens()
    {
        await Store.CostSettings.AddAsync(new Observability.Core.Kpis.CostSetting(999m, "bob", Now.AddHours(-1)), CancellationToken.None);

        var section = Open(KnownRoles.Sre);

        Assert.Equal("999 USD a month, from the Settings page (set by bob at 2026-11-26 02:00 UTC).", section.Find("[data-testid=cost-monthly]").TextContent.Trim());
    }

    private T Services<T>() where T : notnull => (T)Context.Services.GetService(typeof(T))!;
}
