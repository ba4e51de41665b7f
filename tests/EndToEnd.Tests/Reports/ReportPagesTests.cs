using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Alerting.Rules;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Core.Security;
using Observability.Core.Sla;
using Observability.EndToEnd.Tests.Infrastructure;

namespace Observability.EndToEnd.Tests.Reports;

/// <summary>An executive reads the Roadmap, the SLOs and the SLA report in Chromium, prints the report to PDF and downloads its CSV.</summary>
public sealed class ReportPagesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly TimeSpan MeasureTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_executive_sees_a_measured_target_met_with_its_baseline_and_evidence_and_opens_its_chart()
    {
        var services = fixture.Dashboard.Services;
        ReportTelemetry.SendServerSpans(fixture.Dashboard.OtlpGrpcUrl, "e2e-shop", count: 200, errors: 0, durationMilliseconds: 120);
        await ReportTelemetry.MeasureUntilValuedAsync(services, KnownKpis.ResponseTimeP99, MeasureTimeout);
        var roadmap = services.GetRequiredService<RoadmapDefinition>();
        var p99 = roadmap.Phase(1)!.Targets.First(t => t.Metric == KnownKpis.ResponseTimeP99);
        var kpis = services.GetRequiredService<IKpiStore>();
        var now = DateTimeOffset.UtcNow;
        await kpis.SetBaselineAsync(new KpiBaseline(KnownKpis.ResponseTimeP99, 640, now, now.AddDays(-3), now.AddDays(-3).AddHours(1), 1, "e2e-sre"), CancellationToken.None);
        await kpis.AddLoadTestAsync(new LoadTestRecord("lt-e2e", 1, 1000, now.AddMinutes(-50), now.AddMinutes(-20), "1K users on the sample workload", "e2e-sre", now), CancellationToken.None);

        var page = await fixture.SignInAsAsync(KnownRoles.Executive);
        await page.GotoAsync("/roadmap");

        var row = page.Locator($"[data-target='{p99.Id}']");
        await Assertions.Expect(row.Locator("[data-testid=target]")).ToHaveAttributeAsync("data-status", "met");
        await Assertions.Expect(row.Locator("[data-testid=target]")).ToContainTextAsync("target < 500 ms");
        await Assertions.Expect(row.Locator("[data-testid=baseline]")).ToHaveTextAsync(new Regex("^640 ms over .* \\(phase 1\\), recorded by e2e-sre$"));
        await Assertions.Expect(page.Locator("[data-phase='1'] [data-testid=evidence]")).ToContainTextAsync("Load test of 1,000 users");
        await Assertions.Expect(page.Locator("[data-testid=phase]")).ToHaveCountAsync(roadmap.Phases.Count);
        await Assertions.Expect(page.Locator("[data-testid=end-state]")).ToBeVisibleAsync();

        await row.Locator("[data-testid=drill-down]").ClickAsync();

        var panel = page.Locator("[data-phase='1'] [data-testid=drill-down-panel]");
        await Assertions.Expect(panel.Locator("[data-testid=chart-summary]")).ToContainTextAsync("; target < 500 ms");
        await Assertions.Expect(panel.Locator("svg").First).ToBeVisibleAsync();
        await BrowserFixture.SaveScreenshotAsync(page, "roadmap");

        // "Now" judges the latest tick.
        await page.ClickAsync("[data-testid=window-now]");
        await Assertions.Expect(page.Locator("[data-testid=read-at]")).ToContainTextAsync("latest sample");
        await Assertions.Expect(row.Locator("[data-testid=target]")).ToHaveAttributeAsync("data-status", "met");
    }

    [Fact]
    public async Task The_slos_page_says_why_it_is_empty_when_no_slo_is_defined()
    {
        var page = await fixture.SignInAsAsync(KnownRoles.Executive);

        await page.GotoAsync("/slos");

        await Assertions.Expect(page.Locator("[data-testid=no-slos]")).ToContainTextAsync("No SLO is defined");
        await Assertions.Expect(page.Locator("[data-testid=no-slos]")).ToContainTextAsync("Alerting:RulesPath");
    }

    [Fact]
    public async Task The_sla_report_shows_the_month_prints_on_a4_without_navigation_and_downloads_the_api_csv()
    {
        var services = fixture.Dashboard.Services;
        // No errors: the default error-ratio rule would open an incident of its own, and this test counts incidents.
        ReportTelemetry.SendServerSpans(fixture.Dashboard.OtlpGrpcUrl, "e2e-gateway", count: 400, errors: 0, durationMilliseconds: 80);
        // 39 of 40 checks pass: 97.5% uptime.
        ReportTelemetry.SendProbeChecks(fixture.Dashboard.OtlpGrpcUrl, "gateway-health", [.. Enumerable.Range(0, 40).Select(i => i != 7)]);
        var incidents = services.GetRequiredService<IncidentService>();
        var now = DateTimeOffset.UtcNow;
        var incident = await incidents.OpenAsync("e2e-gateway", "Gateway errors above 5%", KnownSeverities.Page, now.AddMinutes(-10), "e2e", "seeded by the test", CancellationToken.None);
        await incidents.RecordStepAsync(incident.Id, IncidentSteps.Detected, now.AddMinutes(-8), "e2e", "detected by the error-ratio alert", CancellationToken.None);
        await incidents.RecordStepAsync(incident.Id, IncidentSteps.Resolved, now, "e2e", "rolled back", CancellationToken.None);
        var calculator = services.GetRequiredService<SlaCalculator>();
        var month = SlaCalculator.MonthOf(DateTimeOffset.UtcNow);
        var monthStart = SlaCalculator.ParseMonth(month)!.Value;
        var allowed = (1 - calculator.ObjectivePercent / 100) * (monthStart.AddMonths(1) - monthStart).TotalMinutes;

        var page = await fixture.SignInAsAsync(KnownRoles.Executive);
        await page.GotoAsync("/sla");

        var monthName = monthStart.UtcDateTime.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("[data-testid=sla-month]")).ToContainTextAsync($"{monthName} so far");
        await Assertions.Expect(page.Locator("[data-testid=uptime]")).ToHaveTextAsync(new Regex(
            $"^97\\.5% uptime, objective {Regex.Escape(calculator.ObjectivePercent.ToString("0.###", CultureInfo.InvariantCulture))}%: [0-9.]+ of {Regex.Escape(allowed.ToString("0.#", CultureInfo.InvariantCulture))} allowed minutes used so far$"));
        await Assertions.Expect(page.Locator("[data-testid=traffic]")).ToContainTextAsync("requests, error ratio");
        await Assertions.Expect(page.Locator("[data-testid=incident]", new() { HasText = "Gateway errors above 5%" }).Locator("[data-testid=incident-duration]")).ToHaveTextAsync("10 min");
        await Assertions.Expect(page.Locator("[data-testid=mttd]")).ToHaveTextAsync("MTTD (impact to detection): mean 2 min, median 2 min, p90 2 min (1 incident)");
        await Assertions.Expect(page.Locator("[data-testid=phase]")).ToHaveCountAsync(services.GetRequiredService<RoadmapDefinition>().Phases.Count);
        await BrowserFixture.SaveScreenshotAsync(page, "sla-report");

        // The CSV link, with the session cookie, downloads what the API serves.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=csv]"));
        var downloaded = await File.ReadAllLinesAsync((await download.PathAsync())!);
        var served = await (await page.Context.APIRequest.GetAsync($"/api/sla/{month}?format=csv")).TextAsync();
        Assert.Equal($"sla-{month}.csv", download.SuggestedFilename);
        Assert.Equal("section,figure,value,unit,note", downloaded[0]);
        Assert.Equal(served.Split('\n')[0].TrimEnd('\r'), downloaded[0]);
        Assert.Contains(downloaded, line => line.StartsWith("uptime,uptime,97.5,%", StringComparison.Ordinal));

        // Printed: no app bar, navigation drawer or buttons, on one or two A4 pages.
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Assertions.Expect(page.Locator(".mud-drawer")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".mud-appbar")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("[data-testid=csv]")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("[data-testid=uptime]")).ToBeVisibleAsync();
        var pdf = Path.Combine(BrowserFixture.ScreenshotFolder, "sla-report.pdf");
        Directory.CreateDirectory(BrowserFixture.ScreenshotFolder);
        await page.PdfAsync(new() { Format = "A4", Path = pdf });
        var bytes = await File.ReadAllBytesAsync(pdf);
        var pages = Regex.Matches(System.Text.Encoding.Latin1.GetString(bytes), "/Type\\s*/Page(?!s)").Count;
        Assert.True(bytes.Length > 1024, $"the PDF has {bytes.Length} bytes");
        Assert.InRange(pages, 1, 2);
    }
}
