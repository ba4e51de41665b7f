using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Telemetry;
using Observability.Dashboard.Components.Pages;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Tests.Traces;

public sealed class TraceDetailPageTests : MudTestContext
{
    private readonly FakeTraceSource _source = new();
    private readonly FakeTimeProvider _time = new(TraceData.Now);

    public TraceDetailPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddSingleton(Options.Create(new DashboardOptions()));
        Context.Services.AddSingleton<ITraceSource>(_source);
        _source.Traces.Add(TraceData.ThreeSpanTrace());
    }

    private IRenderedComponent<TraceDetail> Open(string traceId) => Context.Render<TraceDetail>(p => p.Add(c => c.TraceId, traceId));

    [Fact]
    public void Shows_the_trace_root_facts_services_and_waterfall()
    {
        var page = Open(TraceData.TraceId);

        Assert.Equal("frontend: GET /checkout", page.Find("[data-testid=trace-title]").TextContent);
        Assert.Equal($"Trace {TraceData.TraceId} · started 2026-11-26 04:50:00.000 UTC · took 100 ms · 3 spans · 1 error", page.Find("[data-testid=trace-facts]").TextContent);
        Assert.Equal(["frontend (1)", "payments (1)", "inventory (1)"], page.FindAll(".service-key").Select(s => s.TextContent));
        Assert.Equal(3, page.FindAll("[data-testid=span-row]").Count);
        Assert.Empty(page.FindAll("[data-testid=span-details]"));
    }

    [Fact]
    public void An_unknown_trace_id_says_it_is_not_stored_and_may_have_expired()
    {
        var page = Open("ffffffffffffffffffffffffffffffff");

        Assert.Equal("No trace with id ffffffffffffffffffffffffffffffff is stored (it may have expired with retention, or not arrived yet).",
            page.Find("[data-testid=trace-missing]").TextContent);
    }

    [Fact]
    public void Text_that_is_not_a_trace_id_is_named_as_such()
    {
        var page = Open("not-a-trace");

        Assert.Equal("'not-a-trace' is not a trace id: a trace id is 32 hex digits (16 for a 64-bit id).", page.Find("[data-testid=trace-missing]").TextContent);
    }

    [Fact]
    public void Clicking_a_span_shows_its_kind_status_attributes_events_links_and_its_own_logs()
    {
        _source.Logs.Add(TraceData.Log(TraceData.ChargeId, 12, "charging card 4242"));
        _source.Logs.Add(TraceData.Log(TraceData.ChargeId, 16, "card declined: code 51", severity: "Warning"));
        _source.Logs.Add(TraceData.Log(TraceData.ReserveId, 55, "reserved 1 item"));
        var page = Open(TraceData.TraceId);

        page.FindAll("[data-testid=span-row]")[1].Click();

        var details = page.Find("[data-testid=span-details]");
        Assert.Equal("payments: charge card", details.QuerySelector("[data-testid=span-title]")!.TextContent);
        Assert.Equal("client", details.QuerySelector("[data-testid=span-kind]")!.TextContent);
        Assert.Equal("Error: card declined", details.QuerySelector("[data-testid=span-status]")!.TextContent);
        Assert.Equal(TraceData.RootId, details.QuerySelector("[data-testid=span-parent]")!.TextContent);
        Assert.Equal("2026-11-26 04:50:00.010 UTC (+10 ms into the trace)", details.QuerySelector("[data-testid=span-start]")!.TextContent);
        Assert.Equal("30 ms", details.QuerySelector("[data-testid=span-duration-detail]")!.TextContent);
        Assert.Equal(["payment.provider", "acme", "retry", "2"],
            details.QuerySelectorAll("[data-testid=span-attributes] th, [data-testid=span-attributes] td").Select(c => c.TextContent));
        Assert.Equal(["host.name", "node-1", "service.name", "payments"],
            details.QuerySelectorAll("[data-testid=resource-attributes] th, [data-testid=resource-attributes] td").Select(c => c.TextContent));
        var spanEvent = details.QuerySelector("[data-testid=span-event]")!;
        Assert.Equal("card.declined", spanEvent.QuerySelector("[data-testid=event-name]")!.TextContent);
        Assert.Equal("+5 ms after the span started", spanEvent.QuerySelector("[data-testid=event-offset]")!.TextContent);
        Assert.Equal(["decline.code", "51"], spanEvent.QuerySelectorAll("th, td").Select(c => c.TextContent));
        var logs = details.QuerySelectorAll("[data-testid=span-log]");
        Assert.Equal(["charging card 4242", "card declined: code 51"], logs.Select(l => l.QuerySelector("[data-testid=log-body]")!.TextContent));
        Assert.Equal(["Information", "Warning"], logs.Select(l => l.QuerySelector("[data-testid=log-severity]")!.TextContent));
        Assert.Equal("+2 ms", logs[0].QuerySelector("td")!.TextContent);
        Assert.Empty(page.FindAll("[data-testid=logs-note]"));
        Assert.Equal("selected", page.FindAll("[data-testid=span-row]")[1].ClassList.First(c => c == "selected"));
    }

    [Fact]
    public void A_link_to_a_stored_trace_is_clickable_and_to_a_missing_one_is_plain_text()
    {
        var page = Open(TraceData.TraceId);
        page.FindAll("[data-testid=span-row]")[1].Click();

        var link = page.Find("[data-testid=span-link] [data-testid=link-trace]");
        Assert.Equal("span", link.TagName.ToLowerInvariant());
        Assert.Contains("(not stored)", page.Find("[data-testid=span-link]").TextContent);
        Assert.Equal(["link.reason", "retry of"], page.FindAll("[data-testid=link-attributes] th, [data-testid=link-attributes] td").Select(c => c.TextContent));

        _source.Traces.Add([TraceData.Span(TraceData.LinkedTraceId, "eee19b7ec3c1b174", null, "payments", "charge card", -500, 20)]);
        page.FindAll("[data-testid=span-row]")[0].Click();
        page.FindAll("[data-testid=span-row]")[1].Click();

        var stored = page.Find("[data-testid=span-link] [data-testid=link-trace]");
        Assert.Equal("a", stored.TagName.ToLowerInvariant());
        Assert.Equal($"traces/{TraceData.LinkedTraceId}", stored.GetAttribute("href"));
    }

    [Fact]
    public void A_span_without_events_links_or_logs_says_so_and_closing_hides_the_details()
    {
        var page = Open(TraceData.TraceId);
        page.FindAll("[data-testid=span-row]")[2].Click();

        Assert.Equal("The span has no events.", page.Find("[data-testid=no-events]").TextContent);
        Assert.Equal("The span links to no other span.", page.Find("[data-testid=no-links]").TextContent);
        Assert.Equal("No stored log record carries this span's id.", page.Find("[data-testid=no-logs]").TextContent);
        Assert.Equal("The span has no attributes.", page.Find("[data-testid=span-attributes]").TextContent);

        page.Find("button[data-testid=close-details]").Click();

        Assert.Empty(page.FindAll("[data-testid=span-details]"));
    }

    [Fact]
    public void Span_names_attribute_values_and_log_bodies_that_look_like_markup_stay_text()
    {
        const string script = "<script>alert(1)</script>";
        var spans = TraceData.ThreeSpanTrace(chargeName: script).ToList();
        spans[1] = spans[1] with { AttributesJson = """{"user.comment":"<img src=x onerror=alert(1)>"}""" };
        _source.Traces.Clear();
        _source.Traces.Add(spans);
        _source.Logs.Add(TraceData.Log(TraceData.ChargeId, 12, "<b>bold</b><script>alert(2)</script>"));
        var page = Open(TraceData.TraceId);

        page.FindAll("[data-testid=span-row]")[1].Click();

        Assert.Equal($"payments: {script}", page.Find("[data-testid=span-title]").TextContent);
        Assert.Equal("<img src=x onerror=alert(1)>", page.Find("[data-testid=span-attributes] td").TextContent);
        Assert.Equal("<b>bold</b><script>alert(2)</script>", page.Find("[data-testid=log-body]").TextContent);
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Empty(page.FindAll("b"));
    }

    /// <summary>A trace whose root ended 30 s before <see cref="TraceData.Now"/>: a root and one child (times relative to ten minutes before now).</summary>
    private const string RecentTraceId = "1af7651916cd43dd8448eb211c80319c";

    private static SpanRecord RecentSpan(string spanId, string? parentId, string name, double startMs, double durationMs) =>
        TraceData.Span(RecentTraceId, spanId, parentId, parentId is null ? "frontend" : "payments", name, startMs, durationMs);

    [Fact]
    public void A_trace_whose_spans_are_still_arriving_takes_late_spans_in_and_keeps_the_selected_span()
    {
        _source.Traces.Add([RecentSpan("00000000000000a1", null, "POST /orders", 569_000, 1_000), RecentSpan("00000000000000a2", "00000000000000a1", "charge card", 569_100, 300)]);
        var page = Open(RecentTraceId);
        Assert.Contains("read again every 2 s for spans still arriving", page.Find("[data-testid=trace-live]").TextContent);
        page.FindAll("[data-testid=span-row]")[1].Click();
        page.WaitForAssertion(() => Assert.Equal("payments: charge card", page.Find("[data-testid=span-title]").TextContent));

        // A span exported late (its service's batch came after the others).
        var late = RecentSpan("00000000000000a3", "00000000000000a1", "reserve stock", 569_500, 200);
        _source.Traces[^1] = [.. _source.Traces[^1], late];
        _time.AdvanceUntil(page, () => Assert.Equal(3, page.FindAll("[data-testid=span-row]").Count));

        Assert.Contains("3 spans", page.Find("[data-testid=trace-facts]").TextContent);
        Assert.Equal("payments: charge card", page.Find("[data-testid=span-title]").TextContent);
        Assert.Contains("selected", page.FindAll("[data-testid=span-row]")[1].ClassList);
    }

    [Fact]
    public async Task A_trace_quiet_for_two_minutes_is_read_once_and_a_recent_one_stops_being_read_when_it_falls_quiet()
    {
        var quiet = Open(TraceData.TraceId);
        Assert.Empty(quiet.FindAll("[data-testid=trace-live]"));
        var reads = _source.TraceReads;
        for (var tick = 0; tick < 5; tick++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(20);
        }
        Assert.Equal(reads, _source.TraceReads);
        await Context.DisposeComponentsAsync();

        // Ended 30 s ago: read again until two minutes after its end, then no more.
        _source.Traces.Add([RecentSpan("00000000000000a1", null, "POST /orders", 569_000, 1_000)]);
        var recent = Open(RecentTraceId);
        var opened = _source.TraceReads;
        _time.AdvanceUntil(recent, () => Assert.True(_source.TraceReads > opened));
        _time.Advance(TimeSpan.FromSeconds(90));
        _time.AdvanceUntil(recent, () => Assert.Empty(recent.FindAll("[data-testid=trace-live]")));
        var fallenQuiet = _source.TraceReads;
        for (var tick = 0; tick < 5; tick++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(20);
        }
        Assert.Equal(fallenQuiet, _source.TraceReads);
    }
}
