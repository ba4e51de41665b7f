using Bunit;
using Observability.Dashboard.Components.Shared;
using Observability.Dashboard.Tests.Overview;

namespace Observability.Dashboard.Tests.Components;

public sealed class TargetBadgeTests : MudTestContext
{
    [Fact]
    public void A_met_target_shows_met_with_the_actual_against_the_target()
    {
        var badge = Context.Render<TargetBadge>(p => p.Add(b => b.Verdict, OverviewData.Met(412)));

        Assert.Equal("met", badge.Find("[data-testid=target]").GetAttribute("data-status"));
        Assert.Equal("met", badge.Find(".mud-chip").TextContent.Trim());
        Assert.Contains("Response time p99: <500ms · actual 412 ms, target < 500 ms", badge.Find(".target-text").TextContent);
        Assert.Contains("mud-chip-color-success", badge.Find(".mud-chip").ClassName);
    }

    [Fact]
    public void A_missed_target_shows_missed_with_the_actual_against_the_target()
    {
        var badge = Context.Render<TargetBadge>(p => p.Add(b => b.Verdict, OverviewData.Missed));

        Assert.Equal("missed", badge.Find("[data-testid=target]").GetAttribute("data-status"));
        Assert.Equal("missed", badge.Find(".mud-chip").TextContent.Trim());
        Assert.Contains("Support: 3K concurrent users · actual 300 users, target >= 3000 users", badge.Find(".target-text").TextContent);
        Assert.Contains("mud-chip-color-error", badge.Find(".mud-chip").ClassName);
    }

    [Fact]
    public void A_target_without_data_says_so_and_why_instead_of_a_number()
    {
        var badge = Context.Render<TargetBadge>(p => p.Add(b => b.Verdict, OverviewData.NoData));

        Assert.Equal("no-data", badge.Find("[data-testid=target]").GetAttribute("data-status"));
        Assert.Equal("no data", badge.Find(".mud-chip").TextContent.Trim());
        Assert.Equal("Replication lag: <100ms · no data: no points for metric 'postgresql.replication.lag' in the last 5 minutes",
            badge.Find(".target-text").TextContent.Trim());
    }
}
