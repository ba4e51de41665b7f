using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Hosting;
using Observability.Collector.Roadmap;
using Observability.Collector.Tests.Infrastructure;
using Observability.Collector.Tests.Query;
using Observability.Core.Security;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Roadmap;

/// <summary>/api/roadmap and /api/kpis against a real Collector: spans in, KPI ticks, verdicts out.</summary>
public sealed class RoadmapApiTests
{
    private const long Millisecond = 1_000_000;

    /// <summary>Server spans of 1..100 ms that ended in the last minute, sent over OTLP.</summary>
    private static async Task SendServerSpansAsync(CollectorHost host)
    {
        using var client = new OtlpClient(host);
        var now = DateTimeOffset.UtcNow;
        var start = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 - 60_000 * Millisecond;
        var spans = Enumerable.Range(1, 100).Select(i => QueryRequests.Span(TelemetryBuilder.NewTraceId(), "GET /", start + i * 100 * Millisecond, i * Millisecond)).ToArray();
        await client.ExportAsync(QueryRequests.Traces("shop", [], spans), OtlpTransport.Grpc);
    }

    private static JsonElement Target(JsonElement roadmap, string id) =>
        roadmap.GetProperty("phases").EnumerateArray().SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Concat(roadmap.GetProperty("endState").GetProperty("targets").EnumerateArray())
            .Single(t => t.GetProperty("id").GetString() == id);

    [Fact]
    public async Task A_tick_measures_the_kpis_and_the_roadmap_shows_actuals_against_targets()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        await SendServerSpansAsync(host);

        var job = host.Services.GetRequiredService<KpiJob>();
        // Off the 15 s grid (at .5 s), so this tick's samples are told apart from any the recurring job stores meanwhile;
        // and after the latest grid second, so it is newer than a tick the recurring job may have taken there before the
        // spans were committed (CI saw one just after "now" was computed: "window=now" then showed its no-data).
        var grid = TimeSpan.FromSeconds(15);
        var now = DateTimeOffset.UtcNow;
        var sinceGrid = TimeSpan.FromTicks(now.UtcTicks % grid.Ticks);
        if (sinceGrid < TimeSpan.FromSeconds(1.5))
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5) - sinceGrid);
            now = DateTimeOffset.UtcNow;
        }
        var tick = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddMilliseconds(-500);
        Assert.Equal(job.KpiIds.Count, await job.MeasureAsync(tick, CancellationToken.None));

        var roadmap = await QueryHttp.GetOkAsync(host, "/api/roadmap?window=now");
        Assert.Equal("now", roadmap.GetProperty("window").GetString());
        Assert.Equal(7, roadmap.GetProperty("phases").GetArrayLength());
        var p99 = Target(roadmap, "p1.response_time_p99");
        Assert.Equal("met", p99.GetProperty("status").GetString());
        Assert.InRange(p99.GetProperty("actual").GetDouble(), 98, 100);
        Assert.Equal(500, p99.GetProperty("threshold").GetDouble());
        Assert.Equal("<", p99.GetProperty("comparator").GetString());
        Assert.Matches(@"^Response time p99: <500ms: 9\d(\.\d+)? ms, target < 500 ms$", p99.GetProperty("summary").GetString());

        var users = Target(roadmap, "p1.concurrent_users");
        Assert.Equal("no-data", users.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, users.GetProperty("actual").ValueKind);
        Assert.Contains("app.sessions.active", users.GetProperty("reason").GetString());
        var phase1 = roadmap.GetProperty("phases")[0];
        Assert.Equal("no-data", phase1.GetProperty("verdict").GetString());
        Assert.Equal(2000, phase1.GetProperty("infrastructure").GetProperty("monthlyCostUsd").GetDouble());

        var series = await QueryHttp.GetOkAsync(host, "/api/kpis/response_time_p99");
        var sample = Assert.Single(series.GetProperty("samples").EnumerateArray(), s => s.GetProperty("measuredAt").GetDateTimeOffset() == tick);
        Assert.Equal(300, sample.GetProperty("windowSeconds").GetInt64());
    }

    [Fact]
    public async Task The_hangfire_server_runs_the_kpi_tick_on_its_own()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        await SendServerSpansAsync(host);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement latest;
        do
        {
            await Task.Delay(500);
            var kpis = await QueryHttp.GetOkAsync(host, "/api/kpis");
            latest = kpis.GetProperty("kpis").EnumerateArray().Single(k => k.GetProperty("id").GetString() == "response_time_p99").GetProperty("latest");
        }
        // A tick that ran before the spans were committed has no value; the next one has.
        while ((latest.ValueKind == JsonValueKind.Null || latest.GetProperty("value").ValueKind == JsonValueKind.Null) && DateTime.UtcNow < deadline);

        Assert.NotEqual(JsonValueKind.Null, latest.ValueKind);
        Assert.Equal(0, latest.GetProperty("measuredAt").GetDateTime().Second % 15);
        Assert.InRange(latest.GetProperty("value").GetDouble(), 98, 100);
    }

    [Fact]
    public async Task Baselines_and_load_tests_are_recorded_and_bad_requests_named()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        await SendServerSpansAsync(host);
        using var http = host.ApiClient(KnownRoles.Sre);

        var baseline = await http.PostAsJsonAsync("/api/kpis/response_time_p99/baseline", new { phase = 1 });
        Assert.Equal(HttpStatusCode.Created, baseline.StatusCode);
        var recorded = await baseline.Content.ReadFromJsonAsync<JsonElement>();
        Assert.InRange(recorded.GetProperty("value").GetDouble(), 98, 100);
        Assert.Equal(1, recorded.GetProperty("phase").GetInt32());
        Assert.Equal("test-sre", recorded.GetProperty("recordedBy").GetString());

        var noData = await http.PostAsync("/api/kpis/concurrent_users/baseline", null);
        Assert.Equal(HttpStatusCode.Conflict, noData.StatusCode);
        Assert.Contains("concurrent_users has no value", await noData.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsync("/api/kpis/happiness/baseline", null)).StatusCode);
        var change = await http.PostAsync("/api/kpis/cost_per_request_change/baseline", null);
        Assert.Equal(HttpStatusCode.BadRequest, change.StatusCode);
        Assert.Contains("record the baseline of cost_per_request", await change.Content.ReadAsStringAsync());

        var now = DateTimeOffset.UtcNow;
        var loadTest = await http.PostAsJsonAsync("/api/roadmap/phases/2/loadtests", new { users = 3000, startedAt = now.AddMinutes(-30), endedAt = now, note = "phase 2 profile" });
        Assert.Equal(HttpStatusCode.Created, loadTest.StatusCode);
        var badUsers = await http.PostAsJsonAsync("/api/roadmap/phases/2/loadtests", new { users = 0, startedAt = now.AddMinutes(-30), endedAt = now });
        Assert.Equal(HttpStatusCode.BadRequest, badUsers.StatusCode);
        Assert.Contains("users must be", await badUsers.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync("/api/roadmap/phases/9/loadtests", new { users = 1 })).StatusCode);

        var roadmap = await QueryHttp.GetOkAsync(host, "/api/roadmap");
        Assert.Equal("1h", roadmap.GetProperty("window").GetString());
        Assert.Equal(3000, roadmap.GetProperty("phases")[1].GetProperty("evidence")[0].GetProperty("users").GetInt32());
        Assert.Equal("response_time_p99", roadmap.GetProperty("baselines")[0].GetProperty("kpiId").GetString());

        var (status, body) = await QueryHttp.GetAsync(host, "/api/roadmap?window=2w");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("window '2w' is not one of: now, 1h, 7d, 30d", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_invalid_roadmap_file_stops_the_collector_naming_file_line_and_problem()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("obs-roadmap-").FullName, "roadmap.yaml");
        await File.WriteAllTextAsync(file, "phases:\n  - number: 1\n    name: Foundation\n    months: 1-2\n    targets:\n      - { metric: p99, comparator: '<', threshold: 1, unit: ms }\n");
        using var storage = TestStorage.Sqlite();

        var error = await Assert.ThrowsAsync<ConfigurationException>(() =>
            CollectorHost.StartAsync(storage, new Dictionary<string, string?> { ["Roadmap:Path"] = file }));

        Assert.StartsWith($"Roadmap:Path: {file}:6:19: unknown metric 'p99'; accepted: concurrent_users,", error.Message);
    }

    [Fact]
    public async Task Writes_need_a_token_whose_role_may_make_them()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        const string path = "/api/roadmap/phases/2/loadtests";
        var now = DateTimeOffset.UtcNow;
        var body = new { users = 100, startedAt = now.AddMinutes(-5), endedAt = now };

        using var anonymous = host.ApiClient(role: null);
        var refused = await anonymous.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Authorization: Bearer", await refused.Content.ReadAsStringAsync());

        using var wrong = host.ApiClient(role: null);
        wrong.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");
        var unknown = await wrong.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Contains("not one of Api:Tokens", await unknown.Content.ReadAsStringAsync());

        using var executive = host.ApiClient(KnownRoles.Executive);
        var forbidden = await executive.PostAsJsonAsync(path, body);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("token 'test-executive' has the role Executive; POST /api/roadmap/phases/2/loadtests needs one of: SRE, Admin", await forbidden.Content.ReadAsStringAsync());
        // Reads stay open to anyone who can reach the API.
        Assert.Equal(HttpStatusCode.OK, (await executive.GetAsync("/api/roadmap")).StatusCode);

        using var admin = host.ApiClient(KnownRoles.Admin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(path, body)).StatusCode);
    }

    [Theory]
    [InlineData("Api:Tokens:ci:Token", "short", "Api:Tokens:ci:Token must be at least 24 characters")]
    [InlineData("Api:Tokens:ci:Role", "Root", "Api:Tokens:ci:Role 'Root' is not one of: Admin, SRE, OnCall, Executive")]
    public async Task A_bad_token_setting_stops_the_collector_naming_it(string key, string value, string message)
    {
        using var storage = TestStorage.Sqlite();
        var settings = new Dictionary<string, string?> { ["Api:Tokens:ci:Token"] = new string('x', 32), ["Api:Tokens:ci:Role"] = "SRE", [key] = value };
        var error = await Assert.ThrowsAsync<Observability.Collector.Hosting.ConfigurationException>(() => CollectorHost.StartAsync(storage, settings));
        Assert.Equal(message, error.Message);
    }
}
