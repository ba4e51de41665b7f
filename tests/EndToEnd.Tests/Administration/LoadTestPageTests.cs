using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Observability.Core.Kpis;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.Infrastructure;
using Observability.Tests.Shared;

namespace Observability.EndToEnd.Tests.Administration;

/// <summary>
/// The Load test page in Chromium with the real runner: without the demo it asks for a gateway; pointed at a port nobody listens
/// on, the real loadgen runs (every request refused), reports progress, stops on request and is attached as evidence.
/// </summary>
public sealed class LoadTestPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task An_sre_starts_load_watches_its_progress_stops_it_and_attaches_it_to_a_phase()
    {
        var page = await fixture.SignInAsAsync(KnownRoles.Sre);
        await page.GotoAsync("/loadtest");
        await Assertions.Expect(page.Locator("[data-testid=loadtest][data-interactive=true]")).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("[data-testid=target-source]")).ToContainTextAsync("No sample workload runs with this dashboard");

        await page.FillAsync("[data-testid=gateway-url]", $"http://127.0.0.1:{FreePort.Next()}");
        await page.FillAsync("[data-testid=users]", "3");
        await page.FillAsync("[data-testid=duration]", "60");
        await page.FillAsync("[data-testid=user-password]", "any-password");
        await page.ClickAsync("[data-testid=start]");

        await Assertions.Expect(page.Locator("[data-testid=loadtest-busy]")).ToContainTextAsync("is running; one runs at a time.");
        await Assertions.Expect(page.Locator("[data-testid=progress]")).ToContainTextAsync("users 3 of 3", new() { Timeout = 20_000 });
        await BrowserFixture.SaveScreenshotAsync(page, "loadtest");
        await page.ClickAsync("[data-testid=stop]");
        await Assertions.Expect(page.Locator("[data-testid=loadtest-status][data-state=Finished]")).ToBeAttachedAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("[data-testid=summary]")).ToContainTextAsync("peak users 3");
        await page.SelectOptionAsync("[data-testid=attach-phase]", "2");
        await page.ClickAsync("[data-testid=attach]");

        await Assertions.Expect(page.Locator("[data-testid=evidence]")).ToContainTextAsync("Attached to phase 2 as lt-");
        var evidence = Assert.Single(await fixture.Dashboard.Services.GetRequiredService<IKpiStore>().GetLoadTestsAsync(CancellationToken.None));
        Assert.Equal((2, 3), (evidence.Phase, evidence.Users));
        Assert.StartsWith("sre-", evidence.RecordedBy);
    }
}
