using Bunit;
using Observability.Core.Security;
using IncidentsPage = Observability.Dashboard.Components.Pages.Incidents;

namespace Observability.Dashboard.Tests.OnCall;

public sealed class IncidentsPageTests : OnCallPageContext
{
    private static string Text(AngleSharp.Dom.IElement element) => element.TextContent.Trim();

    public IncidentsPageTests() => SignInAs(OnCallUser, KnownRoles.OnCall);

    [Fact]
    public void Lists_open_incidents_first_with_their_durations_and_links_to_each()
    {
        var page = Context.Render<IncidentsPage>();

        var rows = page.FindAll("[data-testid=incident-row]");
        Assert.Equal(["open", "resolved"], rows.Select(r => r.GetAttribute("data-state")));
        Assert.Equal(["inc-open", "storefront-api", "page", "storefront-api: error ratio 0.48 over 30s (above 0.05)", "2026-11-26 02:58:25 UTC", "open",
            "5 s", "33 s", "open for 1 min 35 s"], rows[0].QuerySelectorAll("td").Select(Text));
        Assert.Equal(["1 min 00 s", "1 min 00 s", "3 min 00 s"], rows[1].QuerySelectorAll("td").Skip(6).Select(Text));
        Assert.Equal("/incidents/inc-resolved", rows[1].QuerySelector("[data-testid=incident-link]")!.GetAttribute("href"));
    }

    [Fact]
    public void Shows_mttd_mtta_and_mttr_as_mean_median_and_p90()
    {
        var page = Context.Render<IncidentsPage>();

        // MTTD of 5 s and 60 s; MTTA of 33 s and 60 s; MTTR of the resolved one alone.
        Assert.Contains("mean 33 s, median 33 s, p90 55 s (2 incidents)", page.Find("[data-testid=mttd]").TextContent);
        Assert.Contains("mean 47 s, median 47 s, p90 57 s (2 incidents)", page.Find("[data-testid=mtta]").TextContent);
        Assert.Contains("mean 3 min 00 s, median 3 min 00 s, p90 3 min 00 s (1 incident)", page.Find("[data-testid=mttr]").TextContent);
    }

    [Fact]
    public void Says_plainly_when_there_is_no_incident_and_no_figure()
    {
        Source.NextIncidents = _ => OnCallData.Incidents(any: false);

        var page = Context.Render<IncidentsPage>();

        Assert.StartsWith("No incident has been opened", Text(page.Find("[data-testid=no-incidents]")));
        Assert.Contains("no incident yet", page.Find("[data-testid=mttd]").TextContent);
        Assert.Contains("no incident resolved yet", page.Find("[data-testid=mttr]").TextContent);
    }

    [Fact]
    public async Task Reads_again_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        Source.NextIncidents = read => OnCallData.Incidents(any: read > 1);
        var page = Context.Render<IncidentsPage>();
        Assert.NotNull(page.Find("[data-testid=no-incidents]"));

        Time.Advance(TimeSpan.FromSeconds(2));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=incident-row]").Count));

        await Context.DisposeComponentsAsync();
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Source.Reads);
    }
}
