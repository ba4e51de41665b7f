using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Monitoring;
using Observability.Collector.Sla;
using Observability.Collector.Tests.Infrastructure;
using Observability.Collector.Tests.Query;
using Observability.Core.Alerting;
using Observability.Core.Sla;
using Observability.Core.Storage;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Sla;

/// <summary>The monthly SLA report: uptime from daily probe tallies and live probes, incidents, CSV, and the nightly job.</summary>
public sealed class SlaReportTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_past_month_is_summed_from_its_daily_tallies_and_incidents()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        var store = host.Services.GetRequiredService<ITelemetryStore>();
        // October 2026 (31 days, 44,640 minutes): "self" passed 1,990 of 2,000 checks (99.5%), "api" all 2,000 (100%).
        await store.Sla.SaveProbeDaysAsync([
            new ProbeDayTally(new DateOnly(2026, 10, 1), "self", 1000, 1000), new ProbeDayTally(new DateOnly(2026, 10, 2), "self", 1000, 990),
            new ProbeDayTally(new DateOnly(2026, 10, 1), "api", 1000, 1000), new ProbeDayTally(new DateOnly(2026, 10, 2), "api", 1000, 1000),
            new ProbeDayTally(new DateOnly(2026, 11, 1), "api", 1000, 0),
        ], None);
        // Two incidents: detected 2 and 1 minutes after impact, resolved 30 and 10 minutes after detection.
        var day = new DateTimeOffset(2026, 10, 14, 10, 0, 0, TimeSpan.Zero);
        foreach (var (id, start, detect, resolve) in new[] { ("i1", day, 2, 30), ("i2", day.AddHours(2), 1, 10) })
        {
            var incident = new Incident(id, "storefront-api", "HighErrorRatio", "page", start, start.AddMinutes(detect), null, null, null,
                start.AddMinutes(detect + resolve), "alerting", []);
            await store.Alerting.AddIncidentAsync(incident, new IncidentEvent(id, incident.DetectedAt, "opened", null, null, null, "alerting", ""), None);
        }

        var report = await QueryHttp.GetOkAsync(host, "/api/sla/2026-10");

        Assert.True(report.GetProperty("final").GetBoolean());
        var uptime = report.GetProperty("uptime");
        // Each probe weighs the same: (99.5 + 100) / 2 = 99.75%.
        Assert.Equal(99.75, uptime.GetProperty("percent").GetDouble(), 9);
        Assert.Equal(99.95, uptime.GetProperty("objectivePercent").GetDouble());
        // Allowed: 0.05% of 44,640 min = 22.32 min. Used: 0.25% of 44,640 = 111.6 min. Budget left: 1 - 111.6 / 22.32 = -400%.
        Assert.Equal(22.32, uptime.GetProperty("allowedDowntimeMinutes").GetDouble(), 6);
        Assert.Equal(111.6, uptime.GetProperty("usedDowntimeMinutes").GetDouble(), 6);
        Assert.Equal(-400, uptime.GetProperty("errorBudgetRemainingPercent").GetDouble(), 6);
        Assert.Equal(["api 2000/2000", "self 1990/2000"], uptime.GetProperty("probes").EnumerateArray()
            .Select(p => $"{p.GetProperty("name").GetString()} {p.GetProperty("passed").GetInt64()}/{p.GetProperty("checks").GetInt64()}"));

        Assert.Equal(2, report.GetProperty("incidents").GetArrayLength());
        Assert.Equal(32, report.GetProperty("incidents")[0].GetProperty("durationMinutes").GetDouble(), 6);
        Assert.Equal(1.5, report.GetProperty("mttd").GetProperty("meanMinutes").GetDouble(), 6);
        Assert.Equal(20, report.GetProperty("mttr").GetProperty("meanMinutes").GetDouble(), 6);
        // p90 between the closest ranks 10 and 30: 10 + 0.9 × 20 = 28.
        Assert.Equal(28, report.GetProperty("mttr").GetProperty("p90Minutes").GetDouble(), 6);
        Assert.Equal("no server spans between 2026-10-01 00:00:00Z and 2026-11-01 00:00:00Z", report.GetProperty("traffic").GetProperty("noDataReason").GetString());
        Assert.Equal(2000, report.GetProperty("cost").GetProperty("monthlyUsd").GetDouble());
        Assert.Equal(7, report.GetProperty("phases").GetArrayLength());

        using var http = new HttpClient { BaseAddress = new Uri(host.ApiUrl) };
        var csv = await http.GetStringAsync("/api/sla/2026-10?format=csv");
        Assert.StartsWith("section,figure,value,unit,note\n", csv.ReplaceLineEndings("\n"));
        Assert.Contains("uptime,uptime,99.75,%,", csv);
        Assert.Contains("uptime,used downtime,111.6,min,", csv);
        Assert.Contains("i2,storefront-api,HighErrorRatio,page,2026-10-14T12:00:00Z,2026-10-14T12:01:00Z,2026-10-14T12:11:00Z,11", csv);

        Assert.Equal(HttpStatusCode.BadRequest, (await QueryHttp.GetAsync(host, "/api/sla/October")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await QueryHttp.GetAsync(host, "/api/sla/2026-10?format=xml")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await QueryHttp.GetAsync(host, "/api/sla/2999-01")).Status);
    }

    [Fact]
    public async Task The_month_so_far_counts_todays_probes_live_and_the_nightly_job_stores_reports()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Monitoring:Probes:self:Url"] = "http://127.0.0.1:1/healthz",
            ["Monitoring:Probes:down:Url"] = $"http://127.0.0.1:{FreePort.Next()}/",
            ["Monitoring:Probes:down:TimeoutSeconds"] = "2",
            // The test's own two probe runs only.
            ["Monitoring:ProbeSchedule"] = CollectorHost.NeverSchedule,
        });
        host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MonitoringOptions>>().Value.Probes["self"].Url = host.ApiUrl + "/healthz";
        var probes = ActivatorUtilities.CreateInstance<ProbeJob>(host.Services);
        await probes.RunAsync(None);
        await probes.RunAsync(None);

        var now = DateTimeOffset.UtcNow;
        var month = SlaCalculator.MonthOf(now);
        var report = await QueryHttp.GetOkAsync(host, $"/api/sla/{month}");
        Assert.False(report.GetProperty("final").GetBoolean());
        Assert.Equal(50, report.GetProperty("uptime").GetProperty("percent").GetDouble());
        Assert.Equal(["down 0/2", "self 2/2"], report.GetProperty("uptime").GetProperty("probes").EnumerateArray()
            .Select(p => $"{p.GetProperty("name").GetString()} {p.GetProperty("passed").GetInt64()}/{p.GetProperty("checks").GetInt64()}"));
        Assert.Equal("no incidents detected", report.GetProperty("incidentsNoData").GetString()![..21]);

        await host.Services.GetRequiredService<SlaJob>().RunAsync(None);
        var store = host.Services.GetRequiredService<ISlaStore>();
        var lastMonth = SlaCalculator.MonthOf(new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1));
        Assert.Equal([month, lastMonth], await store.GetReportMonthsAsync(None));
        Assert.True((await store.GetReportAsync(lastMonth, None))!.Final);
        var months = await QueryHttp.GetOkAsync(host, "/api/sla");
        Assert.Equal([month, lastMonth], months.GetProperty("months").EnumerateArray().Select(m => m.GetString()));
    }
}
