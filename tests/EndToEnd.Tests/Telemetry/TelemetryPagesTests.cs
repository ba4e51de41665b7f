using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Playwright;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Observability.EndToEnd.Tests.Telemetry;

/// <summary>
/// The Services and Metrics pages in Chromium, fed the real way: the OpenTelemetry SDK exports a two-service trace set
/// and a counter and a histogram over OTLP/gRPC to the running Dashboard.
/// </summary>
public sealed class TelemetryPagesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Calls = 20;

    private static readonly TimeSpan PageWindow = TimeSpan.FromMinutes(15);

    private void Exporter(OtlpExporterOptions options)
    {
        options.Protocol = OtlpExportProtocol.Grpc;
        options.Endpoint = new Uri(fixture.Dashboard.OtlpGrpcUrl);
        options.ExportProcessorType = ExportProcessorType.Simple;
    }

    /// <summary>frontend's GET /checkout calls backend <see cref="Calls"/> times: a CLIENT span in frontend, the SERVER span it causes in backend.</summary>
    private void SendTraces()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var frontendSource = new ActivitySource($"e2e.frontend.{run}");
        using var backendSource = new ActivitySource($"e2e.backend.{run}");
        using var frontend = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("frontend"))
            .AddSource(frontendSource.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(Exporter)
            .Build();
        using var backend = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("backend"))
            .AddSource(backendSource.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(Exporter)
            .Build();
        for (var i = 0; i < Calls; i++)
        {
            using var request = frontendSource.StartActivity("GET /checkout", ActivityKind.Server, default(ActivityContext))!;
            using var call = frontendSource.StartActivity("GET backend /items", ActivityKind.Client)!;
            using var served = backendSource.StartActivity("GET /items", ActivityKind.Server, call.Context)!;
        }
        Assert.True(frontend.ForceFlush(10_000) && backend.ForceFlush(10_000), "the SDK could not export the traces");
    }

    /// <summary>A counter of 5 orders (one label set) and a histogram of three checkout durations.</summary>
    private void SendMetrics()
    {
        using var meter = new Meter($"e2e.shop.{Guid.NewGuid():N}");
        var orders = meter.CreateCounter<long>("e2e.orders", "{order}", "Orders placed");
        var duration = meter.CreateHistogram<double>("e2e.checkout.duration", "ms", "Checkout duration");
        using var provider = Sdk.CreateMeterProviderBuilder()
            // No generated instance id: the label set the page lists is then known in advance.
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("frontend", autoGenerateServiceInstanceId: false))
            .AddMeter(meter.Name)
            .AddOtlpExporter((exporter, reader) =>
            {
                Exporter(exporter);
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
            })
            .Build();
        orders.Add(3, new KeyValuePair<string, object?>("region", "eu"));
        orders.Add(2, new KeyValuePair<string, object?>("region", "eu"));
        foreach (var value in new[] { 5.0, 50.0, 500.0 })
        {
            duration.Record(value);
        }
        Assert.True(provider.ForceFlush(10_000), "the SDK could not export the metrics");
    }

    /// <summary>The prerendered page has no event handlers yet: clicks count once the page runs in its circuit.</summary>
    private static Task WaitForCircuitAsync(IPage page) =>
        Assertions.Expect(page.Locator("[data-testid=page-header][data-interactive]")).ToBeAttachedAsync();

    [Fact]
    public async Task On_call_sees_both_services_with_their_rate_and_the_map_shows_frontend_calling_backend()
    {
        SendTraces();
        var page = await fixture.SignInAsAsync(KnownRoles.OnCall);

        await page.GotoAsync("/services");
        await WaitForCircuitAsync(page);

        // Each service served Calls requests in the page's window (the last 15 minutes), so Calls / 900 s each.
        var rate = (Calls / PageWindow.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture);
        foreach (var service in new[] { "frontend", "backend" })
        {
            var row = page.Locator($"[data-testid=service-row][data-service={service}]");
            await Assertions.Expect(row.Locator("[data-testid=service-rate]")).ToHaveTextAsync(rate);
            await Assertions.Expect(row.Locator("[data-testid=service-errors]")).ToHaveTextAsync("0% (0)");
        }
        var edge = page.Locator("[data-testid=map-edge][data-caller=frontend][data-callee=backend]");
        await Assertions.Expect(edge.Locator("[data-testid=map-edge-label]")).ToHaveTextAsync($"{Calls} calls, 0 errors");
        Assert.Equal(2, await page.Locator("[data-testid=map-node]").CountAsync());

        await page.Locator("[data-testid=map-node][data-service=backend]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=detail-title]")).ToHaveTextAsync("backend");
        await Assertions.Expect(page.Locator("[data-testid=operation-name]")).ToHaveTextAsync(["GET /items"]);
        await Assertions.Expect(page.Locator("[data-testid=chart-rate] svg").First).ToBeVisibleAsync();
        await BrowserFixture.SaveScreenshotAsync(page, "services");
    }

    [Fact]
    public async Task On_call_finds_the_counter_in_the_metrics_list_and_charts_it()
    {
        SendMetrics();
        var page = await fixture.SignInAsAsync(KnownRoles.OnCall);

        await page.GotoAsync("/metrics-browser");
        await WaitForCircuitAsync(page);

        var counter = page.Locator("[data-testid=metric-row][data-metric='e2e.orders']");
        await Assertions.Expect(counter.Locator("[data-testid=metric-type]")).ToHaveTextAsync("sum");
        await Assertions.Expect(page.Locator("[data-testid=metric-row][data-metric='e2e.checkout.duration'] [data-testid=metric-type]")).ToHaveTextAsync("histogram");
        await counter.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=label-set]")).ToHaveTextAsync(["{region=\"eu\", service.name=\"frontend\"}"]);

        // A sum of the 5 orders in the window: the first point of a cumulative counter counts from its start time.
        await page.Locator("input[data-testid=aggregation]").FillAsync("sum");
        await page.Locator("[data-testid=run-query]").ClickAsync();

        await Assertions.Expect(page.Locator("[data-testid=metric-series]")).ToHaveTextAsync(["region=eu, service.name=frontend: sum latest 5"]);
        await Assertions.Expect(page.Locator("[data-testid=metric-chart] svg").First).ToBeVisibleAsync();
        await BrowserFixture.SaveScreenshotAsync(page, "metrics");

        await page.Locator("input[data-testid=aggregation]").FillAsync("p95");
        await page.Locator("[data-testid=run-query]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=query-error]")).ToContainTextAsync("agg 'p95' needs a histogram");
    }
}
