using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;
using Observability.Core.Telemetry;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Traces;
using TracesPage = Observability.Dashboard.Components.Pages.Traces;

namespace Observability.Dashboard.Tests.Traces;

public sealed class TracesPageTests : MudTestContext
{
    private readonly FakeTraceSource _source = new();
    private readonly FakeTimeProvider _time = new(TraceData.Now);

    public TracesPageTests()
    {
        Context.Services.AddLogging();
        Context.Services.AddSingleton<TimeProvider>(_time);
        Context.Services.AddSingleton(Options.Create(new DashboardOptions()));
        Context.Services.AddSingleton<ITraceSource>(_source);
    }

    private NavigationManager Navigation => Context.Services.GetRequiredService<NavigationManager>();

    private IRenderedComponent<TracesPage> Open(string url)
    {
        Navigation.NavigateTo(url);
        Context.Render<MudPopoverProvider>();
        return Context.Render<TracesPage>();
    }

    /// <summary>A trace of one frontend span <paramref name="startMs"/> ms after <see cref="TraceData.StartUnixNanos"/>.</summary>
    private static IReadOnlyList<SpanRecord> OneSpanTrace(string traceId, double startMs, double durationMs) =>
        [TraceData.Span(traceId, "00000000000000a1", null, "frontend", "GET /cart", startMs, durationMs)];

    [Fact]
    public void A_search_in_the_url_runs_and_lists_traces_newest_first_with_root_spans_services_duration_and_errors()
    {
        _source.Traces.Add(OneSpanTrace("000000000000000000000000000000a1", startMs: -60_000, durationMs: 12.34));
        _source.Traces.Add(TraceData.ThreeSpanTrace());

        var page = Open("traces?service=frontend&lookback=15m");

        var results = page.FindAll("[data-testid=trace-result]");
        Assert.Equal([TraceData.TraceId, "000000000000000000000000000000a1"], results.Select(r => r.GetAttribute("data-trace-id")));
        var newest = results[0];
        Assert.Equal("frontend: GET /checkout", newest.QuerySelector("[data-testid=trace-link]")!.TextContent);
        Assert.Equal($"traces/{TraceData.TraceId}", newest.QuerySelector("[data-testid=trace-link]")!.GetAttribute("href"));
        Assert.Equal("3 spans", newest.QuerySelector("[data-testid=span-count]")!.TextContent);
        Assert.Equal("1 error", newest.QuerySelector("[data-testid=error-count]")!.TextContent);
        Assert.Equal(["frontend (1)", "inventory (1)", "payments (1)"], newest.QuerySelectorAll(".service").Select(s => s.TextContent));
        Assert.Equal("100 ms", newest.QuerySelector("[data-testid=duration]")!.TextContent);
        Assert.Equal("2026-11-26 04:50:00.000 UTC", newest.QuerySelector("[data-testid=start]")!.TextContent);
        Assert.Equal("12.3 ms", results[1].QuerySelector("[data-testid=duration]")!.TextContent);
        Assert.Null(results[1].QuerySelector("[data-testid=error-count]"));
        Assert.Equal("2 traces, newest first", page.Find("[data-testid=result-count]").TextContent);
        var chart = page.Find("[data-testid=duration-chart]");
        Assert.Equal("2 traces, 1 with errors; durations 12.3 ms to 100 ms", chart.GetAttribute("title"));
        // A point each (MudBlazor draws a transparent, larger twin per point for hovering).
        Assert.Equal(2, chart.QuerySelectorAll("circle.mud-chart-point:not([opacity='0'])").Length);

        var search = Assert.Single(_source.Searches);
        Assert.Equal("frontend", search.ServiceName);
        Assert.Equal(TimeSpan.FromMinutes(15).Ticks * 100, search.StartToUnixNanos - search.StartFromUnixNanos);
    }

    [Fact]
    public void Every_field_of_the_url_reaches_the_search()
    {
        var page = Open("traces?service=payments&operation=charge%20card&tags=http.status_code%3D500%20error%3Dtrue&minDuration=250ms&maxDuration=1.5s&lookback=6h&limit=5");

        var search = Assert.Single(_source.Searches);
        Assert.Equal("charge card", search.OperationName);
        Assert.Equal([new("http.status_code", "500"), new("error", "true")], search.Tags);
        Assert.Equal(250_000_000, search.MinDurationNanos);
        Assert.Equal(1_500_000_000, search.MaxDurationNanos);
        Assert.Equal(5, search.Limit);
        Assert.Equal("http.status_code=500 error=true", page.Find("#trace-tags").GetAttribute("value"));
        Assert.Equal("250ms", page.Find("#trace-min-duration").GetAttribute("value"));
        Assert.Contains("No trace matches this search", page.Find("[data-testid=no-traces]").TextContent);
    }

    [Fact]
    public void A_bad_duration_in_the_url_is_named_next_to_its_field_and_nothing_is_searched()
    {
        var page = Open("traces?service=payments&minDuration=12x");

        Assert.Equal("Min duration '12x' is not a duration like 250ms or 1.5s", page.Find("[data-testid=error-minDuration]").TextContent);
        Assert.Empty(_source.Searches);
        Assert.Empty(page.FindAll("[data-testid=trace-results]"));
    }

    [Fact]
    public void Typing_a_bad_value_and_searching_shows_why_and_keeps_the_url_then_a_good_value_puts_the_search_in_the_url()
    {
        var page = Open("traces?service=payments");
        var before = Navigation.Uri;

        page.Find("#trace-max-duration").Change("1.5 s");
        page.Find("#trace-tags").Change("error");
        page.Find("[data-testid=search] button, button[data-testid=search]").Click();

        Assert.Equal("Max duration '1.5 s' is not a duration like 250ms or 1.5s", page.Find("[data-testid=error-maxDuration]").TextContent);
        Assert.StartsWith("Tags: 'error' is not key=value", page.Find("[data-testid=error-tags]").TextContent);
        Assert.Equal(before, Navigation.Uri);

        page.Find("#trace-max-duration").Change("1.5s");
        page.Find("#trace-tags").Change("error=true");
        page.Find("button[data-testid=search]").Click();

        Assert.Equal("http://localhost/traces?service=payments&tags=error%3Dtrue&maxDuration=1.5s&lookback=1h&limit=20", Navigation.Uri);
        Assert.Empty(page.FindAll("[data-testid^=error-]"));
    }

    [Fact]
    public void Without_a_service_in_the_url_nothing_is_searched_and_searching_asks_for_one()
    {
        var page = Open("traces");

        Assert.Empty(_source.Searches);
        page.Find("button[data-testid=search]").Click();

        Assert.Equal("Choose a service: a search looks at one service's spans", page.Find("[data-testid=error-service]").TextContent);
    }

    [Fact]
    public void With_no_spans_stored_the_page_says_so_until_a_check_finds_a_service()
    {
        _source.Services.Clear();

        var page = Open("traces");

        Assert.Contains("No spans have been stored yet", page.Find("[data-testid=no-services]").TextContent);

        _source.Services.Add("frontend");
        page.Find("button[data-testid=check-services]").Click();

        Assert.Empty(page.FindAll("[data-testid=no-services]"));
    }

    [Fact]
    public void A_failed_search_says_why_and_the_page_stays_usable()
    {
        _source.SearchError = new InvalidOperationException("database is locked");

        var page = Open("traces?service=frontend");

        Assert.Equal("The traces could not be read (database is locked).", page.Find("[data-testid=read-error]").TextContent);
        Assert.NotNull(page.Find("button[data-testid=search]"));
    }

    [Fact]
    public void A_root_span_named_like_a_script_is_listed_as_text()
    {
        _source.Traces.Add([TraceData.Span(TraceData.TraceId, TraceData.RootId, null, "frontend", "<script>alert(1)</script>", 0, 5)]);

        var page = Open("traces?service=frontend");

        Assert.Equal("frontend: <script>alert(1)</script>", page.Find("[data-testid=trace-link]").TextContent);
        Assert.Empty(page.FindAll("script"));
    }

    [Fact]
    public async Task Shown_results_are_searched_again_every_two_seconds_over_a_window_ending_now_until_paused_or_closed()
    {
        _source.Traces.Add(OneSpanTrace("000000000000000000000000000000a1", startMs: -60_000, durationMs: 12));
        var page = Open("traces?service=frontend&lookback=15m");
        Assert.Single(page.FindAll("[data-testid=trace-result]"));
        Assert.Contains("runs again every 2 s", page.Find("[data-testid=live-status]").TextContent);

        // A trace arrives; the next tick finds it, searching the same 15 minutes moved on to the new now.
        _source.Traces.Add(TraceData.ThreeSpanTrace());
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, _source.SearchCount);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=trace-result]").Count));
        Assert.Equal(2, _source.SearchCount);
        Assert.Equal(2_000_000_000, _source.Searches[1].StartToUnixNanos - _source.Searches[0].StartToUnixNanos);
        Assert.Equal(TimeSpan.FromMinutes(15).Ticks * 100, _source.Searches[1].StartToUnixNanos - _source.Searches[1].StartFromUnixNanos);

        // Paused, the list holds still however long it stays open; resumed, it runs again at a next tick.
        // (A click waits its turn behind a render the timer's tick may be doing: wait for its effect.)
        page.Find("button[data-testid=live-toggle]").Click();
        page.WaitForAssertion(() => Assert.StartsWith("Paused", page.Find("[data-testid=live-status]").TextContent.Trim()));
        for (var tick = 0; tick < 5; tick++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(20);
        }
        Assert.Equal(2, _source.SearchCount);
        page.Find("button[data-testid=live-toggle]").Click();
        page.WaitForAssertion(() => Assert.Contains("runs again every 2 s", page.Find("[data-testid=live-status]").TextContent));
        _time.AdvanceUntil(page, () => Assert.True(_source.SearchCount > 2));

        // Typing into the form does not change what the timer runs: the search in the URL does.
        page.Find("#trace-min-duration").Change("1s");
        var typed = _source.SearchCount;
        _time.AdvanceUntil(page, () => Assert.True(_source.SearchCount > typed));
        Assert.Null(_source.LastSearch.MinDurationNanos);

        await Context.DisposeComponentsAsync();
        var closed = _source.SearchCount;
        _time.Advance(TimeSpan.FromSeconds(10));
        await Task.Delay(50);
        Assert.Equal(closed, _source.SearchCount);
    }

    [Fact]
    public void A_bad_value_tried_while_results_are_live_keeps_its_message_through_the_refreshes()
    {
        _source.Traces.Add(TraceData.ThreeSpanTrace());
        var page = Open("traces?service=frontend&lookback=15m");

        page.Find("#trace-min-duration").Change("12x");
        page.Find("button[data-testid=search]").Click();
        page.WaitForAssertion(() => Assert.Contains("Min duration '12x' is not a duration", page.Markup));
        var searched = _source.SearchCount;
        _time.AdvanceUntil(page, () => Assert.True(_source.SearchCount > searched));

        Assert.Contains("Min duration '12x' is not a duration", page.Markup);
        Assert.Null(_source.LastSearch.MinDurationNanos);
    }

    [Fact]
    public void Without_results_the_timer_searches_nothing()
    {
        var page = Open("traces");

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(_source.Searches);
        Assert.Empty(page.FindAll("[data-testid=live-status]"));
    }
}
