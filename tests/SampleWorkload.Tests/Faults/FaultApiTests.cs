using Microsoft.AspNetCore.Builder;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Observability.SampleWorkload.Faults;
using Observability.SampleWorkload.Gateway;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.Tests.Infrastructure;
using Observability.SampleWorkload.Tests.Launcher;

namespace Observability.SampleWorkload.Tests.Faults;

/// <summary>POST /faults on a real gateway: precise 400s for bad fields, 409 when the phase lacks the part.</summary>
public sealed class FaultApiTests : IAsyncLifetime
{
    private readonly TempDataFolder _folder = new();
    private readonly HttpClient _http = new();
    private WebApplication? _gateway;

    public async Task InitializeAsync()
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var supervisor = new ServiceSupervisor(TestSupervisor.Options(_folder.Path, phase: 1), PhaseProfile.Instances(phase: 1, maxInstances: 1));
        _gateway = GatewayHost.Build(
            new GatewayOptions { Url = url, Phase = 1, Verbose = false },
            supervisor,
            new FaultContext { Phase = 1, Supervisor = supervisor, Databases = null, ControlToken = "unused" });
        await _gateway.StartAsync();
        _http.BaseAddress = url;
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }
        _http.Dispose();
        _folder.Dispose();
    }

    [Theory]
    [InlineData("""{"kind":"meteor","durationSeconds":60}""", "kind must be one of latency, errors, db-slow, replica-lag, cache-down, instance-crash, deploy")]
    [InlineData("""{"kind":"latency"}""", "durationSeconds must be a whole number from 1 to 3600")]
    [InlineData("""{"kind":"latency","durationSeconds":3601}""", "durationSeconds must be a whole number from 1 to 3600")]
    [InlineData("""{"kind":"latency","durationSeconds":0}""", "durationSeconds must be a whole number from 1 to 3600")]
    [InlineData("""{"kind":"latency","durationSeconds":"60"}""", "durationSeconds must be a whole number from 1 to 3600")]
    [InlineData("""{"kind":"latency","durationSeconds":60,"target":"billing"}""", "target must be one of storefront-api, storefront-api-1, got 'billing'")]
    [InlineData("""{"kind":"db-slow","durationSeconds":60,"target":"redis"}""", "target of db-slow can only be postgresql-primary (or left out), got 'redis'")]
    [InlineData("""{"kind":"errors","durationSeconds":60,"magnitude":-1}""", "magnitude must be a number above 0 and at most 60")]
    [InlineData("""{"kind":"latency","durationSeconds":60,"committedAt":"2026-11-01T00:00:00Z"}""", "committedAt applies to deploy only")]
    [InlineData("""{"kind":"deploy","durationSeconds":60,"committedAt":"yesterday"}""", "committedAt must be an RFC 3339 time")]
    [InlineData("""{"kind":"deploy","durationSeconds":60,"committedAt":"2999-01-01T00:00:00Z"}""", "committedAt must be in the past, at most 90 days ago")]
    [InlineData("""not json""", "the body must be JSON")]
    public async Task A_bad_field_is_answered_400_naming_it(string body, string expected)
    {
        using var response = await _http.PostAsync("/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(expected, await DetailAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replica-lag", "replica-lag needs the read replica of phase 3 and later; this is phase 1")]
    [InlineData("cache-down", "cache-down needs the Redis of phase 2 and later; this is phase 1")]
    public async Task A_fault_on_a_part_the_phase_lacks_is_answered_409(string kind, string expected)
    {
        using var response = await _http.PostAsJsonAsync("/faults", new { kind, durationSeconds = 30 });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(expected, await DetailAsync(response));
        Assert.Empty(await _http.GetFromJsonAsync<JsonElement[]>("/faults") ?? []);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString() ?? "";
    }
}
