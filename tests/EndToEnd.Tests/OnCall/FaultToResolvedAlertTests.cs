using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Observability.Core.Alerting.Rules;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Observability.EndToEnd.Tests.OnCall;

/// <summary>
/// The issue's acceptance for on-call: an errors fault injected into the demo workload fires HighErrorRatio on the
/// Alerts page, an on-call user acknowledges it there, it resolves after the fault ends, and the incident it opened is
/// on the Incidents page with its timeline.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class FaultToResolvedAlertTests(DemoBrowserFixture fixture, ITestOutputHelper output)
{
    private const string Service = "storefront-api";
    private const int FaultSeconds = 30;

    [Fact]
    public async Task The_overview_shows_the_demos_live_numbers_and_they_change()
    {
        // An executive, the least privileged role, opens the product as the README's command leaves it.
        var page = await fixture.SignInAsAsync(KnownRoles.Executive);

        var rate = page.GetByTestId("rate");
        await ExpectAsync(() => Assertions.Expect(rate).ToContainTextAsync("requests/s", new() { Timeout = 120_000 }), "live requests/s of the demo's gateway on the Overview");
        var first = await rate.TextContentAsync();
        var p99 = await page.GetByTestId("p99").TextContentAsync();
        output.WriteLine($"Overview: {first}; {p99}");
        // Live: the next reads (every 2 s) carry the last minute's new requests.
        await ExpectAsync(() => Assertions.Expect(rate).Not.ToHaveTextAsync(first!, new() { Timeout = 30_000 }), "the requests/s to change");
        output.WriteLine($"then: {await rate.TextContentAsync()}");
        // The phase 2 targets get measured values once the KPI job has run on the demo's telemetry.
        await ExpectAsync(() => Assertions.Expect(page.Locator("[data-testid=target]").Filter(new() { HasText = "actual" }).First).ToBeVisibleAsync(new() { Timeout = 60_000 }),
            "a phase 2 target with a measured actual");
        await BrowserFixture.SaveScreenshotAsync(page, "overview");
    }

    [Fact]
    public async Task An_errors_fault_fires_on_the_alerts_page_is_acknowledged_by_on_call_resolves_and_leaves_an_incident()
    {
        // The error ratio needs requests to be a ratio of: wait for the service's spans to reach the Collector.
        await EventuallyAsync(async () => (await fixture.GetApiAsync("/api/red")).GetProperty("services").EnumerateArray()
            .Any(s => s.GetProperty("service").GetString() == Service), TimeSpan.FromSeconds(120), $"spans of {Service} in GET /api/red");

        var (page, name) = await fixture.SignInAsNewUserAsync(KnownRoles.OnCall);
        await page.GotoAsync("/alerts");
        await Assertions.Expect(page.GetByTestId("read-at")).ToBeVisibleAsync();

        var fault = await StartFaultAsync();
        var injected = System.Diagnostics.Stopwatch.StartNew();
        output.WriteLine($"errors fault {fault.GetProperty("id")} on {Service} from {fault.GetProperty("startedAt")} to {fault.GetProperty("endsAt")}");

        var card = page.GetByTestId("alert").And(page.Locator($"[data-rule={DefaultAlertRules.HighErrorRatio}]")).Filter(new() { HasText = $"service={Service}" });
        await ExpectAsync(() => Assertions.Expect(card).ToHaveAttributeAsync("data-state", "firing", new() { Timeout = 60_000 }), "HighErrorRatio firing on the Alerts page");
        output.WriteLine($"HighErrorRatio firing on /alerts {injected.Elapsed.TotalSeconds:0.0} s after the fault was injected");
        await Assertions.Expect(card.GetByTestId("alert-severity")).ToHaveTextAsync("page");
        await Assertions.Expect(card.GetByTestId("alert-summary")).ToContainTextAsync($"{Service}: error ratio");
        await BrowserFixture.SaveScreenshotAsync(page, "alerts");

        var fingerprint = await card.GetAttributeAsync("data-fingerprint");
        await card.GetByTestId("acknowledge").ClickAsync();
        var acknowledged = page.Locator($"[data-testid=alert][data-fingerprint='{fingerprint}']");
        await ExpectAsync(() => Assertions.Expect(acknowledged.GetByTestId("alert-acknowledged")).ToContainTextAsync($"acknowledged by {name}"), "the acknowledgement");
        await Assertions.Expect(acknowledged.GetByTestId("acknowledge")).ToHaveCountAsync(0);

        // After the fault ends the 30 s error ratio falls back under 5 %.
        await page.GetByTestId("filter-resolved").ClickAsync();
        await ExpectAsync(() => Assertions.Expect(acknowledged).ToHaveAttributeAsync("data-state", "resolved", new() { Timeout = (FaultSeconds + 90) * 1000 }),
            "HighErrorRatio resolved after the fault ended");
        output.WriteLine($"resolved on /alerts {injected.Elapsed.TotalSeconds:0.0} s after the fault was injected ({FaultSeconds} s long)");
        await Assertions.Expect(acknowledged.GetByTestId("alert-since")).ToContainTextAsync("resolved at");

        // The incident holding this alert (a latency alert of the same service may have joined it, or a later episode
        // opened another): found by the alert's fingerprint, then read on the page as a user does.
        string? incidentId = null;
        await EventuallyAsync(async () =>
        {
            incidentId = (await fixture.GetApiAsync("/api/incidents")).GetProperty("incidents").EnumerateArray()
                .FirstOrDefault(i => i.GetProperty("alerts").EnumerateArray().Any(a => a.GetString() == fingerprint)) is { ValueKind: JsonValueKind.Object } found
                ? found.GetProperty("id").GetString()
                : null;
            return incidentId is not null;
        }, TimeSpan.FromSeconds(30), $"an incident holding alert {fingerprint} in GET /api/incidents");
        await page.GotoAsync("/incidents");
        var row = page.Locator($"[data-testid=incident-row][data-id='{incidentId}']");
        await ExpectAsync(() => Assertions.Expect(row).ToContainTextAsync(Service), "the incident on the Incidents page");
        await ExpectAsync(() => Assertions.Expect(row).ToHaveAttributeAsync("data-state", "resolved", new() { Timeout = 30_000 }), "the incident resolved");
        await Assertions.Expect(page.GetByTestId("mttd")).ToContainTextAsync("mean");
        await Assertions.Expect(page.GetByTestId("mtta")).ToContainTextAsync("mean");
        await BrowserFixture.SaveScreenshotAsync(page, "incidents");

        await row.GetByTestId("incident-link").ClickAsync();
        var acknowledgedStep = page.Locator("[data-testid=timeline-step][data-step=acknowledged]");
        await Assertions.Expect(acknowledgedStep.GetByTestId("step-by")).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("[data-testid=timeline-step][data-step=resolved] [data-testid=step-time]")).Not.ToHaveTextAsync("not yet");
        await Assertions.Expect(page.Locator($"[data-testid=alert][data-fingerprint='{fingerprint}']")).ToHaveCountAsync(1);

        // Correct the impact start 10 s earlier: the history keeps the old time beside the new one, with the user and the reason.
        var impactCell = page.Locator("[data-testid=timeline-step][data-step=impact_start] [data-testid=step-time]");
        var oldImpact = DateTime.ParseExact((await impactCell.TextContentAsync())!.Trim()[..19], "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var newImpact = oldImpact.AddSeconds(-10).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await page.GetByTestId("correct-impact_start").ClickAsync();
        await page.GetByTestId("correction-time").FillAsync(newImpact);
        await page.GetByTestId("correction-reason").FillAsync("errors began before the fault was recorded");
        await page.GetByTestId("correction-save").ClickAsync();
        await ExpectAsync(() => Assertions.Expect(impactCell).ToHaveTextAsync($"{newImpact} UTC"), "the corrected impact start", page);
        await Assertions.Expect(page.Locator("[data-testid=history-entry][data-kind=correction]")).ToContainTextAsync(
            $"{name} corrected impact start from {oldImpact:yyyy-MM-dd HH:mm:ss} UTC to {newImpact} UTC: errors began before the fault was recorded");
        await BrowserFixture.SaveScreenshotAsync(page, "incident-timeline");
    }

    private async Task<JsonElement> StartFaultAsync()
    {
        var demo = fixture.Dashboard.Demo ?? throw new InvalidOperationException("the Dashboard was started without the demo");
        using var http = new HttpClient { BaseAddress = demo.Gateway };
        using var response = await http.PostAsJsonAsync("/faults", new { kind = "errors", durationSeconds = FaultSeconds, target = Service });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /faults: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Runs a Playwright expectation; when it times out, fails with what the alerts, incidents and demo said.</summary>
    private async Task ExpectAsync(Func<Task> expectation, string what, IPage? page = null)
    {
        try
        {
            await expectation();
        }
        catch (Exception error) when (error is PlaywrightException or TimeoutException)
        {
            // The page's own notices say why an action was refused.
            var notices = page is null ? [] : await page.Locator(".mud-alert").AllTextContentsAsync();
            throw new Xunit.Sdk.XunitException($"{what} did not show in time: {error.Message}{Environment.NewLine}Notices on the page: " +
                $"{string.Join(" | ", notices)}{await fixture.DiagnosticsAsync()}");
        }
    }

    private async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet; ask again.
            }
            await Task.Delay(500);
        }
        throw new Xunit.Sdk.XunitException($"no {what} within {timeout.TotalSeconds:0} s{await fixture.DiagnosticsAsync()}");
    }
}
