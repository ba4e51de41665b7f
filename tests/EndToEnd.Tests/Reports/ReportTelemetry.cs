using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Roadmap;
using Observability.Core.Kpis;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Observability.EndToEnd.Tests.Reports;

/// <summary>
/// Feeds a test's Dashboard the way a real system does: server spans and uptime-probe points through the OpenTelemetry
/// SDK's OTLP exporter, then a KPI tick as the Collector's recurring job runs it.
/// </summary>
internal static class ReportTelemetry
{
    private static void Configure(OtlpExporterOptions options, string grpcUrl)
    {
        options.Protocol = OtlpExportProtocol.Grpc;
        options.Endpoint = new Uri(grpcUrl);
        options.ExportProcessorType = ExportProcessorType.Simple;
        options.TimeoutMilliseconds = 10_000;
    }

    /// <summary>
    /// <paramref name="count"/> server spans of <paramref name="service"/> that ended just now, each lasting
    /// <paramref name="durationMilliseconds"/>; the first <paramref name="errors"/> are in error. Returns once the
    /// Collector acknowledged them (it acknowledges only what it committed). They go in one export, which the Collector
    /// commits in one transaction: a KPI or SLO evaluation of the Collector's own timer sees all of them or none (one
    /// export per span let an evaluation catch 104 of 200 and draw that in the burn-down).
    /// </summary>
    public static void SendServerSpans(string grpcUrl, string service, int count, int errors, int durationMilliseconds)
    {
        const int MaxSpans = 2048;
        Assert.InRange(count, 1, MaxSpans);
        // Unique names: test classes run in parallel, and a provider listens to every source of its name.
        using var source = new ActivitySource($"Observability.Tests.Reports.{Guid.NewGuid():N}");
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(options =>
            {
                Configure(options, grpcUrl);
                options.ExportProcessorType = ExportProcessorType.Batch;
                // Exported only by the flush below, all in one request.
                options.BatchExportProcessorOptions = new BatchExportProcessorOptions<Activity>
                {
                    MaxQueueSize = MaxSpans,
                    MaxExportBatchSize = MaxSpans,
                    ScheduledDelayMilliseconds = 3_600_000,
                    ExporterTimeoutMilliseconds = 10_000,
                };
            })
            .Build();
        var end = DateTimeOffset.UtcNow;
        for (var i = 0; i < count; i++)
        {
            using var span = source.StartActivity("GET /api/products", ActivityKind.Server, parentContext: default, startTime: end.AddMilliseconds(-durationMilliseconds))!;
            if (i < errors)
            {
                span.SetStatus(ActivityStatusCode.Error, "injected by the test");
            }
            span.SetEndTime(end.UtcDateTime);
        }
        Assert.True(provider.ForceFlush(10_000));
    }

    /// <summary>Uptime checks of one probe, one point per export, as the Collector's probe job writes them: 1 passed, 0 failed.</summary>
    public static void SendProbeChecks(string grpcUrl, string probe, IReadOnlyList<bool> checks)
    {
        using var meter = new Meter($"Observability.Tests.Reports.{Guid.NewGuid():N}");
        var current = 0;
        // Nothing once the checks are sent: disposing the provider collects once more.
        meter.CreateObservableGauge("probe.success", () => current < checks.Count
            ? [new Measurement<int>(checks[current] ? 1 : 0, new KeyValuePair<string, object?>("probe.name", probe))]
            : Array.Empty<Measurement<int>>());
        using var provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("e2e-prober"))
            .AddMeter(meter.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, grpcUrl);
                // Exported only when flushed: one flush is one check.
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
            })
            .Build();
        for (current = 0; current < checks.Count; current++)
        {
            Assert.True(provider.ForceFlush(10_000));
        }
    }

    /// <summary>
    /// Runs KPI ticks (as the recurring job does) until <paramref name="kpiId"/> has a value; each tick is a new instant, so
    /// none is skipped as already stored.
    /// </summary>
    public static async Task<KpiSample> MeasureUntilValuedAsync(IServiceProvider services, string kpiId, TimeSpan timeout)
    {
        var job = services.GetRequiredService<KpiJob>();
        var kpis = services.GetRequiredService<IKpiStore>();
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var tick = DateTimeOffset.UtcNow;
            await job.MeasureAsync(tick, CancellationToken.None);
            var latest = (await kpis.GetLatestSamplesAsync(tick.AddSeconds(-1), CancellationToken.None)).FirstOrDefault(s => s.KpiId == kpiId);
            if (latest?.Measurement.Value is not null)
            {
                return latest;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{kpiId} had no value within {timeout}: {latest?.Measurement.NoDataReason ?? "not measured"}");
            }
            await Task.Delay(200);
        }
    }
}
