using System.Diagnostics;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Observability.Collector.Monitoring;

/// <summary>Synthetic HTTP checks: probe.success (1 or 0) and probe.duration per probe, the ground truth of uptime.</summary>
public sealed class ProbeJob(IOptions<MonitoringOptions> options, IHttpClientFactory clients, MonitoringPoints points, ILogger<ProbeJob> logger)
{
    public const string RecurringJobId = "monitoring-probes";
    public const string HttpClientName = "probes";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 30)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var resource = MonitoringPoints.Resource("synthetic-probes", Environment.MachineName);
        var checks = await Task.WhenAll(options.Value.Probes.Select(async probe =>
        {
            var (name, target) = (probe.Key, probe.Value);
            var time = points.NowUnixNanos;
            var watch = Stopwatch.StartNew();
            int? status = null;
            string? failure = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(target.TimeoutSeconds));
                using var response = await clients.CreateClient(HttpClientName).GetAsync(target.Url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failure = error is OperationCanceledException ? $"no answer within {target.TimeoutSeconds} s" : error.Message;
            }
            var success = status == target.ExpectedStatus;
            if (!success)
            {
                logger.LogInformation("Probe {Probe} failed: {Reason}", name, failure ?? $"status {status}, expected {target.ExpectedStatus}");
            }
            (string, string)[] labels = [("probe.name", name), ("url.full", target.Url)];
            return new[]
            {
                MonitoringPoints.Gauge(resource, "probe.success", "1", time, success ? 1 : 0, labels),
                MonitoringPoints.Gauge(resource, "probe.duration", "s", time, watch.Elapsed.TotalSeconds, labels),
            };
        }));
        await points.WriteAsync([.. checks.SelectMany(c => c)]);
    }
}
