using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Observability.Core.Alerting.Slo;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.Infrastructure;

namespace Observability.EndToEnd.Tests.Reports;

/// <summary>
/// A Dashboard configured as an operator would: an alerts file defining one availability SLO (Alerting:RulesPath).
/// </summary>
public sealed class SloBrowserFixture : BrowserFixture
{
    public const string SloName = "e2e-availability";
    public const string Service = "e2e-slo-gateway";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "observability-e2e-slo-" + Guid.NewGuid().ToString("N")[..8]);

    protected override async Task<DashboardServer> StartDashboardAsync()
    {
        Directory.CreateDirectory(_folder);
        var rules = Path.Combine(_folder, "alerts.yaml");
        await File.WriteAllTextAsync(rules, $"""
            slos:
              - name: {SloName}
                service: {Service}
                objective: 0.99
                window: 30d
                indicator: availability
            """);
        return await DashboardServer.StartAsync(settings: new Dictionary<string, string?> { ["Alerting:RulesPath"] = rules });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>An executive reads an SLO's budget, burn rates and burn-down, measured from spans sent over OTLP.</summary>
public sealed class SloPageTests(SloBrowserFixture fixture) : IClassFixture<SloBrowserFixture>
{
    [Fact]
    public async Task An_executive_sees_the_sli_the_budget_left_in_minutes_and_requests_and_the_burn_rates()
    {
        var dashboard = fixture.Dashboard;
        // 1 of 200 requests failed: SLI 99.5%; the 1% budget allows 2 bad requests, so half is left and it burns at 0.5×.
        ReportTelemetry.SendServerSpans(dashboard.OtlpGrpcUrl, SloBrowserFixture.Service, count: 200, errors: 1, durationMilliseconds: 50);
        var sli = SloCalculator.SliId(SloBrowserFixture.SloName);
        await ReportTelemetry.MeasureUntilValuedAsync(dashboard.Services, sli, TimeSpan.FromSeconds(20));
        // A second evaluation, so the burn-down has a line.
        await ReportTelemetry.MeasureUntilValuedAsync(dashboard.Services, sli, TimeSpan.FromSeconds(20));

        var page = await fixture.SignInAsAsync(KnownRoles.Executive);
        await page.GotoAsync("/slos");

        var slo = page.Locator($"[data-slo='{SloBrowserFixture.SloName}']");
        await Assertions.Expect(slo.Locator("[data-testid=objective]")).ToHaveTextAsync("Objective: 99% of server spans not in error, rolling 30d");
        await Assertions.Expect(slo.Locator("[data-testid=sli]")).ToHaveTextAsync("SLI now: 99.5%");
        // 1% of 30 days is 432 minutes.
        await Assertions.Expect(slo.Locator("[data-testid=budget]")).ToHaveTextAsync(
            "50% of the error budget left: 216 of 432 bad minutes, 1 of 2 bad requests (1 bad of 200 requests so far)");
        await Assertions.Expect(slo.Locator("[data-testid=burn-rate][data-window='5m']")).ToHaveTextAsync("0.5×");
        await Assertions.Expect(slo.Locator("[data-testid=burn-rate][data-window='3d']")).ToHaveTextAsync("0.5×");
        await Assertions.Expect(slo.Locator("[data-testid=chart-summary]")).ToHaveTextAsync(new Regex("^[0-9]+ points from .* UTC, 50 to 50 %; budget spent \\(0%\\)$"));
        await BrowserFixture.SaveScreenshotAsync(page, "slos");

        // Live: the page reads again within seconds while open.
        var firstRead = await page.TextContentAsync("[data-testid=read-at]");
        await Assertions.Expect(page.Locator("[data-testid=read-at]")).Not.ToHaveTextAsync(firstRead!, new() { Timeout = 15_000 });
    }
}
