using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Tests.Infrastructure;

namespace Observability.SampleWorkload.Tests.Launcher;

/// <summary>
/// The gateway in front of real storefront-api processes: round robin, routing around a killed instance, and a
/// rolling deployment without failed requests. Needs the services role (merged separately).
/// </summary>
public sealed class GatewayRoutingTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly TempDataFolder _folder = new();
    private readonly Uri _gateway = new($"http://127.0.0.1:{FreePort.Next()}");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private LauncherProcess? _launcher;

    public Task InitializeAsync()
    {
        _http.BaseAddress = _gateway;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_launcher is not null)
        {
            await _launcher.DisposeAsync();
        }
        _http.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Requests_are_spread_over_every_storefront_instance()
    {
        var instances = await StartAsync(phase: 2, maxInstances: 3);

        for (var i = 0; i < 30; i++)
        {
            using var response = await _http.GetAsync("/api/categories");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var instance in instances)
        {
            var metrics = await _http.GetStringAsync(new Uri(instance.Url, "/metrics"));
            Assert.Contains("api/categories", metrics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_crashed_instance_is_routed_around_and_restarted_when_the_fault_ends()
    {
        await StartAsync(phase: 2, maxInstances: 3);

        using var started = await _http.PostAsJsonAsync("/faults", new { kind = "instance-crash", durationSeconds = 5 });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var victim = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("target").GetString();
        var failures = 0;
        for (var i = 0; i < 50; i++)
        {
            using var response = await _http.GetAsync("/api/categories");
            failures += response.IsSuccessStatusCode ? 0 : 1;
        }
        var downDuringFault = (await InstancesAsync()).Single(instance => instance.Id == victim).Running == false;
        var backAfterFault = await PollAsync(async () => (await InstancesAsync()).All(instance => instance.Running), TimeSpan.FromSeconds(60));

        Assert.Equal(0, failures);
        Assert.True(downDuringFault);
        Assert.True(backAfterFault);
    }

    [Fact]
    public async Task A_deployment_replaces_every_instance_with_the_next_version_without_failed_requests()
    {
        await StartAsync(phase: 2, maxInstances: 2);

        using var started = await _http.PostAsJsonAsync("/faults", new { kind = "deploy", durationSeconds = 300, committedAt = DateTimeOffset.UtcNow.AddHours(-2) });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var failures = 0;
        var done = false;
        var clock = Stopwatch.StartNew();
        while (!done && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            using var response = await _http.GetAsync("/api/categories");
            failures += response.IsSuccessStatusCode ? 0 : 1;
            var faults = await _http.GetFromJsonAsync<JsonElement[]>("/faults") ?? [];
            done = faults.Single().GetProperty("status").GetString() != "active";
        }

        Assert.True(done);
        Assert.Equal(0, failures);
        Assert.All(await InstancesAsync(), instance => Assert.Equal("1.0.1", instance.Version));
        // The change was committed two hours before: its lead time is recorded by the gateway that ran the rollout.
        var gatewayMetrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("deployment_lead_time_seconds_count{", gatewayMetrics);
        Assert.Matches(@"deployment_lead_time_seconds_sum\{[^}]*\} 72\d\d(\.\d+)?", gatewayMetrics);
    }

    [Fact]
    public async Task In_phase_6_the_X_Region_header_picks_the_instances_of_that_region()
    {
        var instances = await StartAsync(phase: 6, maxInstances: 3);
        var euWest = Assert.Single(instances, instance => instance.Region == "eu-west");

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/categories");
            request.Headers.Add("X-Region", "eu-west");
            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var instance in instances)
        {
            var metrics = await _http.GetStringAsync(new Uri(instance.Url, "/metrics"));
            Assert.Equal(instance == euWest, metrics.Contains("api/categories", StringComparison.Ordinal));
        }
    }

    private async Task<IReadOnlyList<InstanceView>> StartAsync(int phase, int maxInstances)
    {
        _launcher = LauncherProcess.Start(
            "run", "--phase", phase.ToString(System.Globalization.CultureInfo.InvariantCulture), "--users", "0",
            "--max-instances", maxInstances.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _folder.Path, "--gateway-url", _gateway.ToString());
        await _launcher.WaitUntilReadyAsync(_gateway, StartTimeout);
        return await InstancesAsync();
    }

    private async Task<IReadOnlyList<InstanceView>> InstancesAsync()
    {
        var health = await _http.GetFromJsonAsync<JsonElement>("/healthz");
        return [.. health.GetProperty("instances").EnumerateArray().Select(instance => new InstanceView(
            instance.GetProperty("id").GetString()!,
            new Uri(instance.GetProperty("url").GetString()!),
            instance.GetProperty("version").GetString()!,
            instance.GetProperty("region").GetString()!,
            instance.GetProperty("running").GetBoolean()))];
    }

    private static async Task<bool> PollAsync(Func<Task<bool>> probe, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await probe())
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }

    private sealed record InstanceView(string Id, Uri Url, string Version, string Region, bool Running);
}
