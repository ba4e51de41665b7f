using System.Diagnostics;
using System.Net;
using Observability.SampleWorkload.Services;
using Observability.SampleWorkload.Shared;
using Observability.Tests.Shared;
using static Observability.SampleWorkload.Tests.Services.StorefrontCalls;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>A service role as the launcher runs it: this binary again, with a role and environment variables.</summary>
[Collection(ServicesCollection.Name)]
public sealed class ServiceProcessTests(ServicesFixture servers)
{
    private static readonly string Binary = typeof(ServiceHost).Assembly.Location;

    [Fact]
    public async Task A_storefront_process_configured_by_environment_variables_serves_the_api()
    {
        var port = FreePort.Next();
        var environment = servers.Settings(phase: 2, quickWins: true).ToDictionary(setting => setting.Key.Replace(":", "__"), setting => setting.Value);
        environment[KnownSettings.Urls] = $"http://127.0.0.1:{port}";
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9";
        using var process = Start(KnownRoles.Storefront, environment);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await EventuallyAsync(async () =>
            {
                try
                {
                    return (await GetAsync(client, KnownPaths.Health)).Status;
                }
                catch (HttpRequestException)
                {
                    Assert.False(process.HasExited, "the storefront process exited");
                    return HttpStatusCode.ServiceUnavailable;
                }
            }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the storefront process answering /healthz");
            var token = await LoginAsync(client, "user-5005", servers.UserPassword);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/api/orders", token)).Status);
            using var metrics = await client.GetAsync(KnownPaths.Metrics);
            Assert.Contains("http_server_request_duration", await metrics.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_bad_setting_stops_the_process_with_one_line_naming_it()
    {
        using var process = Start(KnownRoles.Payment, new Dictionary<string, string>
        {
            ["ConnectionStrings__Primary"] = servers.Postgres.ConnectionString,
            ["Workload__Phase"] = "9",
        });
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Workload:Phase is '9'", errors);
    }

    private static Process Start(string role, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Binary);
        start.ArgumentList.Add(role);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }
}
