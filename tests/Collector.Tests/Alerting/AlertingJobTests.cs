using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Observability.Collector.Alerting;
using Observability.Collector.Roadmap;
using Observability.Collector.Tests.Infrastructure;
using Observability.Collector.Tests.Query;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Alerting.Rules;
using Observability.Core.Security;
using Observability.Tests.Shared;
using Observability.Collector.Otlp.Proto.Trace.V1;

namespace Observability.Collector.Tests.Alerting;

/// <summary>The evaluation tick on a real Collector: spans in over OTLP, an alert fires and resolves, its incident follows, MTTD and MTTR reach the roadmap.</summary>
public sealed class AlertingJobTests
{
    private const long Millisecond = 1_000_000;
    private static readonly CancellationToken None = CancellationToken.None;

    private const string Rules = """
        rules:
          - name: HighErrorRatio
            red: { signal: error_ratio, service: shop }
            comparator: ">"
            threshold: 0.05
            window: 30s
            labels: { severity: page, team: storefront }
            annotations: { summary: "shop: {{ $value }} of requests fail" }
        """;

    /// <summary>100 server spans of "shop" ending in the 10 s before <paramref name="end"/>, <paramref name="failed"/> of them in error.</summary>
    private static async Task SendAsync(CollectorHost host, DateTimeOffset end, int failed)
    {
        using var client = new OtlpClient(host);
        var endNanos = (end.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;
        var spans = Enumerable.Range(0, 100).Select(i =>
        {
            var span = QueryRequests.Span(TelemetryBuilder.NewTraceId(), "GET /", endNanos - (10_000 - i * 100) * Millisecond, 5 * Millisecond);
            if (i < failed)
            {
                span.Status = new Status { Code = Status.Types.StatusCode.Error };
            }
            return span;
        }).ToArray();
        await client.ExportAsync(QueryRequests.Traces("shop", [], spans), OtlpTransport.Grpc);
    }

    [Fact]
    public async Task An_error_burst_fires_a_page_opens_an_incident_and_its_mttd_and_mttr_reach_the_roadmap()
    {
        using var storage = TestStorage.Sqlite();
        var rulesPath = Path.Combine(storage.Folder, "alerts.yaml");
        await File.WriteAllTextAsync(rulesPath, Rules);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = await CollectorHost.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Alerting:RulesPath"] = rulesPath,
            ["Alerting:Webhooks:oncall:Url"] = receiver.Url,
            ["Alerting:Webhooks:oncall:Secret"] = "test-secret-0123456789",
            // KPI ticks driven by this test alone (alert evaluation is already).
            ["Roadmap:KpiSchedule"] = CollectorHost.NeverSchedule,
        });
        var burst = DateTimeOffset.UtcNow.AddMinutes(-2);
        await SendAsync(host, burst, failed: 20);
        await SendAsync(host, burst.AddSeconds(40), failed: 0);

        // The tick at the burst's end sees 20% errors; 40 s later the window holds only good requests.
        var time = new FakeTimeProvider(burst.AddSeconds(1));
        var job = ActivatorUtilities.CreateInstance<AlertingJob>(host.Services,
            ActivatorUtilities.CreateInstance<AlertEvaluationService>(host.Services, time,
                ActivatorUtilities.CreateInstance<AlertConditionEvaluator>(host.Services, time)));
        await job.RunAsync(None);

        var alert = (await QueryHttp.GetOkAsync(host, "/api/alerts?state=firing")).GetProperty("alerts")[0];
        Assert.Equal(("HighErrorRatio", "shop", "page"), (alert.GetProperty("rule").GetString(), alert.GetProperty("labels").GetProperty("service").GetString(), alert.GetProperty("labels").GetProperty("severity").GetString()));
        Assert.Equal(0.2, alert.GetProperty("value").GetDouble(), 6);
        Assert.Equal("shop: 0.2 of requests fail", alert.GetProperty("annotations").GetProperty("summary").GetString());
        var incident = (await QueryHttp.GetOkAsync(host, "/api/incidents?open=true")).GetProperty("incidents")[0];
        Assert.Equal("shop", incident.GetProperty("service").GetString());
        var fired = (await receiver.WaitForAsync(r => r.Count >= 1, TimeSpan.FromSeconds(30), "the firing webhook"))[0];
        Assert.True(WebhookSignature.Verify("test-secret-0123456789", fired.Header(WebhookSignature.HeaderName), fired.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.Contains("\"status\":\"firing\"", fired.BodyText);
        await WebhookTestPolling.UntilAsync(async () => (await QueryHttp.GetOkAsync(host, $"/api/incidents/{incident.GetProperty("id").GetString()}"))
            .GetProperty("incident").GetProperty("notifiedAt").ValueKind != JsonValueKind.Null, "the incident's notified step");

        using var onCall = host.ApiClient(KnownRoles.OnCall);
        Assert.True((await onCall.PostAsync($"/api/alerts/{alert.GetProperty("fingerprint").GetString()}/ack", null)).IsSuccessStatusCode);

        time.SetUtcNow(burst.AddSeconds(41));
        await job.RunAsync(None);
        Assert.Equal("resolved", (await QueryHttp.GetOkAsync(host, "/api/alerts")).GetProperty("alerts")[0].GetProperty("state").GetString());
        var resolved = (await QueryHttp.GetOkAsync(host, $"/api/incidents/{incident.GetProperty("id").GetString()}")).GetProperty("incident");
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, resolved.GetProperty("acknowledgedAt").ValueKind);
        var cleared = await receiver.WaitForAsync(r => r.Any(w => w.BodyText.Contains("\"status\":\"resolved\"", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "the resolved webhook");
        Assert.Equal(2, cleared.Count);

        // The rules API names the rule with its expression; the roadmap's phase 7 now has MTTD and MTTR measured.
        var rule = (await QueryHttp.GetOkAsync(host, "/api/alerts/rules")).GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "HighErrorRatio");
        Assert.Equal("error_ratio of shop over 30s > 0.05", rule.GetProperty("expression").GetString());
        await host.Services.GetRequiredService<KpiJob>().MeasureAsync(DateTimeOffset.UtcNow, None);
        var roadmap = await QueryHttp.GetOkAsync(host, "/api/roadmap?window=now");
        var phase7 = roadmap.GetProperty("phases")[6].GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("metric").GetString()!);
        Assert.Equal("met", phase7["mttd"].GetProperty("status").GetString());
        Assert.InRange(phase7["mttd"].GetProperty("actual").GetDouble(), 0, 0.5);
        Assert.Equal("met", phase7["mttr"].GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_slos_budget_and_burn_rates_are_stored_on_the_kpi_ticks_and_served()
    {
        using var storage = TestStorage.Sqlite();
        var rulesPath = Path.Combine(storage.Folder, "alerts.yaml");
        await File.WriteAllTextAsync(rulesPath, """
            slos:
              - name: shop-availability
                service: shop
                objective: 0.99
                window: 30d
                indicator: availability
            """);
        await using var host = await CollectorHost.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Alerting:RulesPath"] = rulesPath,
            ["Roadmap:KpiSchedule"] = CollectorHost.NeverSchedule,
        });
        // 100 requests, 2 in error: SLI 98%; allowed bad = 1% of 100 = 1, so the budget is overspent: 1 - 2/1 = -100%;
        // every burn-rate window holds all of them: (2/100) / 0.01 = 2.
        var end = DateTimeOffset.UtcNow.AddSeconds(-20);
        await SendAsync(host, end, failed: 2);
        var tick = DateTimeOffset.UtcNow;
        await host.Services.GetRequiredService<KpiJob>().MeasureAsync(tick, None);

        var slo = (await QueryHttp.GetOkAsync(host, "/api/slos")).GetProperty("slos")[0];
        Assert.Equal(("shop-availability", 0.99), (slo.GetProperty("name").GetString(), slo.GetProperty("objective").GetDouble()));
        var latest = slo.GetProperty("latest");
        Assert.Equal(98, latest.GetProperty("sli").GetProperty("value").GetDouble(), 6);
        Assert.Equal(-100, latest.GetProperty("budget_remaining").GetProperty("value").GetDouble(), 6);
        Assert.Equal(2, latest.GetProperty("burn_rate_1h").GetProperty("value").GetDouble(), 6);
        Assert.Equal(2, latest.GetProperty("burn_rate_5m").GetProperty("value").GetDouble(), 6);

        var series = (await QueryHttp.GetOkAsync(host, "/api/slos/shop-availability")).GetProperty("series");
        Assert.Equal(1, series.GetProperty("budget_remaining").GetArrayLength());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await QueryHttp.GetAsync(host, "/api/slos/nope")).Status);
        // Its burn-rate rules are evaluated with the others.
        var rules = (await QueryHttp.GetOkAsync(host, "/api/alerts/rules")).GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(3, rules.Count(id => id!.StartsWith("SloErrorBudgetBurn:shop-availability:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_bad_rules_file_or_phase_stops_the_collector_naming_it()
    {
        using var storage = TestStorage.Sqlite();
        var rulesPath = Path.Combine(storage.Folder, "alerts.yaml");
        await File.WriteAllTextAsync(rulesPath, Rules.Replace("error_ratio", "joy", StringComparison.Ordinal));

        var badFile = await Assert.ThrowsAsync<Observability.Collector.Hosting.ConfigurationException>(() =>
            CollectorHost.StartAsync(storage, new Dictionary<string, string?> { ["Alerting:RulesPath"] = rulesPath }));
        Assert.StartsWith($"Alerting:RulesPath: {rulesPath}:3:", badFile.Message);
        Assert.Contains("joy", badFile.Message);

        var badPhase = await Assert.ThrowsAsync<Observability.Collector.Hosting.ConfigurationException>(() =>
            CollectorHost.StartAsync(storage, new Dictionary<string, string?> { ["Alerting:Phase"] = "9" }));
        Assert.Equal("Alerting:Phase 9 is not a phase of the roadmap; accepted: 1 to 7", badPhase.Message);
    }
}

internal static class WebhookTestPolling
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }
}
