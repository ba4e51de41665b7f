using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Observability.Core.Kpis;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.OnCall;
using Xunit.Abstractions;

namespace Observability.EndToEnd.Tests.Administration;

/// <summary>
/// The Load test page as the README's command leaves it: the demo workload runs, so the page aims at its gateway with
/// its seeded users; an SRE ramps real load onto it, watches it run to the end and attaches the result to a phase.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed partial class LoadTestAgainstDemoTests(DemoBrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task An_sre_ramps_load_onto_the_demos_gateway_sees_it_served_and_attaches_the_result_to_a_phase()
    {
        var gateway = fixture.Dashboard.Demo!.Gateway.ToString().TrimEnd('/');
        var page = await fixture.SignInAsAsync(KnownRoles.Sre);
        await page.GotoAsync("/loadtest");
        await Assertions.Expect(page.Locator("[data-testid=loadtest][data-interactive=true]")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("target-source")).ToContainTextAsync($"sample workload's gateway ({gateway}");
        // The demo's seeded users' password comes from the launcher: nobody has to type it.
        await Assertions.Expect(page.GetByTestId("user-password")).ToHaveCountAsync(0);

        await page.FillAsync("[data-testid=users]", "8");
        await page.FillAsync("[data-testid=duration]", "15");
        await page.CheckAsync("[data-testid=ramp]");
        await page.FillAsync("[data-testid=ramp-from]", "2");
        await page.FillAsync("[data-testid=ramp-seconds]", "5");
        await page.ClickAsync("[data-testid=start]");

        await Assertions.Expect(page.GetByTestId("plan")).ToContainTextAsync($"2 to 8 users over 5 s, for 15 s against {gateway}");
        await Assertions.Expect(page.GetByTestId("progress")).ToContainTextAsync("users 8 of 8", new() { Timeout = 30_000 });
        output.WriteLine($"progress: {await page.GetByTestId("progress").TextContentAsync()}");

        await Assertions.Expect(page.Locator("[data-testid=loadtest-status][data-state=Finished]")).ToBeAttachedAsync(new() { Timeout = 60_000 });
        var summary = await page.GetByTestId("summary").TextContentAsync() ?? "";
        output.WriteLine(summary);
        Assert.Contains("peak users 8", summary);
        // Served, not refused: the gateway answered requests (a closed port gives none a status).
        var requests = long.Parse(RequestsPattern().Match(summary).Groups["requests"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(requests >= 8, $"only {requests} requests in 15 s: {summary}");

        await page.SelectOptionAsync("[data-testid=attach-phase]", "2");
        await page.ClickAsync("[data-testid=attach]");
        await Assertions.Expect(page.GetByTestId("evidence")).ToContainTextAsync("Attached to phase 2 as lt-");
        var evidence = await fixture.Dashboard.Services.GetRequiredService<IKpiStore>().GetLoadTestsAsync(CancellationToken.None);
        Assert.Contains(evidence, e => e.Phase == 2 && e.Users == 8 && e.RecordedBy.StartsWith("sre-", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"requests (?<requests>\d+)")]
    private static partial Regex RequestsPattern();
}
