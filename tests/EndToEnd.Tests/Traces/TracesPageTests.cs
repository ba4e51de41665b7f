using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Observability.Core.Security;
using Observability.EndToEnd.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Observability.EndToEnd.Tests.Traces;

/// <summary>An SRE finds a trace sent by the OpenTelemetry SDK, opens its waterfall and reads a span's details, in Chromium.</summary>
public sealed class TracesPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string ScriptName = "<script>window.__xss = 1</script>";

    /// <summary>
    /// How long an assertion waits for the server's answer (a search, a trace read): Playwright's 5 s default is short on
    /// a 2-core machine shared by several test runs.
    /// </summary>
    private const float ServerWaitMilliseconds = 15_000;

    /// <summary>Every span of the source, exported over OTLP/gRPC to the Dashboard's Collector.</summary>
    private TracerProvider Tracing(ResourceBuilder resource, string sourceName, ExportProcessorType processor) =>
        Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(sourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(options =>
            {
                options.Protocol = OtlpExportProtocol.Grpc;
                options.Endpoint = new Uri(fixture.Dashboard.OtlpGrpcUrl);
                options.ExportProcessorType = processor;
            })
            .Build();

    /// <summary>
    /// A root with two children, one failing with an event, an attribute and a log written inside it, plus a span named
    /// like a script, after a one-span trace: exported over OTLP/gRPC, acknowledged once stored.
    /// </summary>
    private async Task<string> SendTraceAsync(string service)
    {
        using var source = new ActivitySource("Observability.EndToEnd.Traces");
        var resource = ResourceBuilder.CreateEmpty().AddService(service, serviceVersion: "1.4.0");
        using var loggers = LoggerFactory.Create(logging => logging.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(resource);
            options.AddOtlpExporter((exporter, processor) =>
            {
                exporter.Protocol = OtlpExportProtocol.Grpc;
                exporter.Endpoint = new Uri(fixture.Dashboard.OtlpGrpcUrl);
                processor.ExportProcessorType = ExportProcessorType.Simple;
            });
        }));
        var logger = loggers.CreateLogger("Checkout");
        Activity root;
        using (var tracing = Tracing(resource, source.Name, ExportProcessorType.Simple))
        {
            // A quick trace beside it, so the results hold more than one.
            using (source.StartActivity("GET /cart", ActivityKind.Server))
            {
            }
            using (root = source.StartActivity("POST /checkout", ActivityKind.Server)!)
            {
                using (var charge = source.StartActivity("charge card", ActivityKind.Client)!)
                {
                    charge.SetTag("payment.provider", "acme");
                    charge.AddEvent(new ActivityEvent("card.declined", tags: new ActivityTagsCollection { ["decline.code"] = "51" }));
                    logger.LogWarning("Card ending 4242 was declined");
                    charge.SetStatus(ActivityStatusCode.Error, "card declined");
                }
                using (source.StartActivity("reserve stock", ActivityKind.Internal))
                {
                }
                using (source.StartActivity(ScriptName, ActivityKind.Internal))
                {
                }
            }
            Assert.True(tracing.ForceFlush(10_000));
        }
        return root.TraceId.ToHexString();
    }

    [Fact]
    public async Task An_sre_finds_the_trace_by_service_opens_its_waterfall_and_reads_the_failing_spans_details()
    {
        var service = "checkout-" + Guid.NewGuid().ToString("N")[..6];
        var traceId = await SendTraceAsync(service);
        var page = await fixture.SignInAsAsync(KnownRoles.Sre);

        await page.GotoAsync("/traces");
        await Assertions.Expect(page.Locator("[data-testid=trace-search]")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = ServerWaitMilliseconds });
        await page.Locator(".mud-select").Filter(new() { HasText = "Service" }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = service }).ClickAsync();
        // MudSelect shows the choice before it tells the page (it closes its popover first): a click on the button in
        // between would search without a service, so wait until the page has it.
        await Assertions.Expect(page.Locator("[data-testid=trace-search]")).ToHaveAttributeAsync("data-service", service, new() { Timeout = ServerWaitMilliseconds });
        await page.ClickAsync("button[data-testid=search]");

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/traces\\?service={service}&lookback=1h&limit=20$"), new() { Timeout = ServerWaitMilliseconds });
        var result = page.Locator($"[data-testid=trace-result][data-trace-id='{traceId}']");
        await Assertions.Expect(result.Locator("[data-testid=trace-link]")).ToHaveTextAsync($"{service}: POST /checkout", new() { Timeout = ServerWaitMilliseconds });
        await Assertions.Expect(result.Locator("[data-testid=span-count]")).ToHaveTextAsync("4 spans");
        await Assertions.Expect(result.Locator("[data-testid=error-count]")).ToHaveTextAsync("1 error");
        await Assertions.Expect(page.Locator("[data-testid=result-count]")).ToHaveTextAsync("2 traces, newest first");
        await Assertions.Expect(page.Locator("[data-testid=trace-result]").First).ToHaveAttributeAsync("data-trace-id", traceId);
        await BrowserFixture.SaveScreenshotAsync(page, "traces-search");

        await result.Locator("[data-testid=trace-link]").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/traces/{traceId}$"), new() { Timeout = ServerWaitMilliseconds });
        var rows = page.Locator("[data-testid=span-row]");
        await Assertions.Expect(rows).ToHaveCountAsync(4, new() { Timeout = ServerWaitMilliseconds });
        await Assertions.Expect(rows.Locator("[data-testid=span-name]")).ToHaveTextAsync(["POST /checkout", "charge card", "reserve stock", ScriptName]);
        await Assertions.Expect(rows.Nth(1).Locator("[data-testid=error-mark]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=span-name]", new() { HasText = ScriptName })).ToBeVisibleAsync();

        await rows.Nth(1).ClickAsync();

        var details = page.Locator("[data-testid=span-details]");
        await Assertions.Expect(details.Locator("[data-testid=span-title]")).ToHaveTextAsync($"{service}: charge card", new() { Timeout = ServerWaitMilliseconds });
        await Assertions.Expect(details.Locator("[data-testid=span-status]")).ToHaveTextAsync("Error: card declined");
        await Assertions.Expect(details.Locator("[data-testid=span-kind]")).ToHaveTextAsync("client");
        await Assertions.Expect(details.Locator("[data-testid=span-attributes] tr", new() { HasText = "payment.provider" })).ToContainTextAsync("acme");
        await Assertions.Expect(details.Locator("[data-testid=event-name]")).ToHaveTextAsync("card.declined");
        await Assertions.Expect(details.Locator("[data-testid=span-event] [data-testid=attribute]")).ToHaveTextAsync("decline.code51");
        await Assertions.Expect(details.Locator("[data-testid=log-body]")).ToHaveTextAsync("Card ending 4242 was declined");
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"));
        Assert.Equal(0, await page.Locator("[data-testid=waterfall] script").CountAsync());
        await BrowserFixture.SaveScreenshotAsync(page, "trace-waterfall");

        // The search was a navigation: back returns to its results.
        await page.GoBackAsync();
        await Assertions.Expect(page.Locator($"[data-testid=trace-result][data-trace-id='{traceId}']")).ToBeVisibleAsync(new() { Timeout = ServerWaitMilliseconds });
    }

    [Fact]
    public async Task Traces_sent_after_a_search_appear_in_its_results_without_a_click_until_paused()
    {
        var service = "live-" + Guid.NewGuid().ToString("N")[..6];
        await SendTraceAsync(service);
        var page = await fixture.SignInAsAsync(KnownRoles.OnCall);
        await page.GotoAsync($"/traces?service={service}&lookback=15m");
        var results = page.Locator("[data-testid=trace-result]");
        await Assertions.Expect(results).ToHaveCountAsync(2, new() { Timeout = ServerWaitMilliseconds });
        await Assertions.Expect(page.Locator("[data-testid=trace-search]")).ToHaveAttributeAsync("data-interactive", "true", new() { Timeout = ServerWaitMilliseconds });

        var newest = await SendTraceAsync(service);

        await Assertions.Expect(results).ToHaveCountAsync(4, new() { Timeout = ServerWaitMilliseconds });
        await Assertions.Expect(results.First).ToHaveAttributeAsync("data-trace-id", newest);

        await page.ClickAsync("button[data-testid=live-toggle]");
        await Assertions.Expect(page.Locator("[data-testid=live-status]")).ToContainTextAsync("Paused");
        await SendTraceAsync(service);
        // Three refresh periods: a live list would have taken them in.
        await page.WaitForTimeoutAsync(6_000);
        await Assertions.Expect(results).ToHaveCountAsync(4);
        await page.ClickAsync("button[data-testid=live-toggle]");
        await Assertions.Expect(results).ToHaveCountAsync(6, new() { Timeout = ServerWaitMilliseconds });
    }

    [Fact]
    public async Task A_span_exported_after_its_trace_was_opened_joins_the_waterfall_without_a_reload()
    {
        using var source = new ActivitySource("Observability.EndToEnd.LateSpan");
        var resource = ResourceBuilder.CreateEmpty().AddService("late-" + Guid.NewGuid().ToString("N")[..6]);
        using var tracing = Tracing(resource, source.Name, ExportProcessorType.Simple);
        var root = source.StartActivity("POST /orders", ActivityKind.Server)!;
        root.Stop();
        Assert.True(tracing.ForceFlush(10_000));
        var page = await fixture.SignInAsAsync(KnownRoles.OnCall);
        await page.GotoAsync($"/traces/{root.TraceId.ToHexString()}");
        var rows = page.Locator("[data-testid=span-row]");
        await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = ServerWaitMilliseconds });
        await Assertions.Expect(page.Locator("[data-testid=trace-live]")).ToContainTextAsync("spans still arriving");

        // A child of the same trace that a slower service exports after the page opened.
        using (source.StartActivity("send confirmation", ActivityKind.Producer, root.Context))
        {
        }
        Assert.True(tracing.ForceFlush(10_000));

        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = ServerWaitMilliseconds });
        await Assertions.Expect(rows.Nth(1).Locator("[data-testid=span-name]")).ToHaveTextAsync("send confirmation");
        root.Dispose();
    }

    [Fact]
    public async Task A_trace_of_2000_spans_opens_with_only_the_rows_in_view_and_scrolls_to_its_last_span()
    {
        const int spanCount = 2_000;
        using var source = new ActivitySource("Observability.EndToEnd.LargeTrace");
        Activity root;
        using (var tracing = Tracing(ResourceBuilder.CreateEmpty().AddService("batch-" + Guid.NewGuid().ToString("N")[..6]), source.Name, ExportProcessorType.Batch))
        {
            using (root = source.StartActivity("POST /import", ActivityKind.Server)!)
            {
                for (var i = 1; i < spanCount; i++)
                {
                    using (source.StartActivity($"import row {i}", ActivityKind.Internal))
                    {
                    }
                }
            }
            Assert.True(tracing.ForceFlush(30_000));
        }
        var page = await fixture.SignInAsAsync(KnownRoles.Sre);
        var opening = Stopwatch.StartNew();

        await page.GotoAsync($"/traces/{root.TraceId.ToHexString()}");

        await Assertions.Expect(page.Locator("[data-testid=trace-facts]")).ToContainTextAsync("2,000 spans", new() { Timeout = ServerWaitMilliseconds });
        var rows = page.Locator("[data-testid=span-row]");
        await Assertions.Expect(rows.First.Locator("[data-testid=span-name]")).ToHaveTextAsync("POST /import", new() { Timeout = ServerWaitMilliseconds });
        var opened = opening.Elapsed;
        var rendered = await rows.CountAsync();
        Assert.InRange(rendered, 1, 200);

        // Scrolled to the end, the last rows are rendered in place of the first.
        await page.Locator("[data-testid=rows]").EvaluateAsync("box => box.scrollTop = box.scrollHeight");
        await Assertions.Expect(page.Locator("[data-testid=span-name]", new() { HasText = $"import row {spanCount - 1}" })).ToBeVisibleAsync(new() { Timeout = ServerWaitMilliseconds });
        Console.WriteLine($"2,000-span trace: first rows shown {opened.TotalMilliseconds:0} ms after navigation, {rendered} rows rendered");
    }

    [Fact]
    public async Task An_executive_is_refused_the_trace_pages()
    {
        var traceId = await SendTraceAsync("exec-" + Guid.NewGuid().ToString("N")[..6]);
        var page = await fixture.SignInAsAsync(KnownRoles.Executive);

        var trace = await page.GotoAsync($"/traces/{traceId}");
        var traceText = await page.Locator("body").InnerTextAsync();
        var search = await page.GotoAsync("/traces");

        Assert.Equal(403, trace?.Status);
        Assert.Contains($"Forbidden: /traces/{traceId} needs the OnCall, SRE or Admin role; user '", traceText);
        Assert.Contains("has the role Executive.", traceText);
        Assert.DoesNotContain("POST /checkout", traceText);
        Assert.Equal(403, search?.Status);
    }

    [Fact]
    public async Task An_unknown_trace_says_it_may_have_expired()
    {
        var page = await fixture.SignInAsAsync(KnownRoles.OnCall);

        await page.GotoAsync("/traces/0123456789abcdef0123456789abcdef");

        await Assertions.Expect(page.Locator("[data-testid=trace-missing]")).ToHaveTextAsync(
            "No trace with id 0123456789abcdef0123456789abcdef is stored (it may have expired with retention, or not arrived yet).",
            new() { Timeout = ServerWaitMilliseconds });
    }
}
