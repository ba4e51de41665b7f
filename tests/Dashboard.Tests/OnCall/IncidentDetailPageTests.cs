using Bunit;
using Observability.Collector.Alerting;
using Observability.Core.Security;
using IncidentDetailPage = Observability.Dashboard.Components.Pages.IncidentDetail;

namespace Observability.Dashboard.Tests.OnCall;

public sealed class IncidentDetailPageTests : OnCallPageContext
{
    private static string Text(AngleSharp.Dom.IElement element) => element.TextContent.Trim();

    private IRenderedComponent<IncidentDetailPage> Render(string id = "inc-resolved") =>
        Context.Render<IncidentDetailPage>(parameters => parameters.Add(p => p.Id, id));

    [Fact]
    public void Shows_each_step_with_who_recorded_it_and_a_correction_beside_the_old_time()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);

        var page = Render();

        var steps = page.FindAll("[data-testid=timeline-step]").ToDictionary(s => s.GetAttribute("data-step")!, s => s.QuerySelectorAll("td").Select(Text).ToList());
        Assert.Equal(["impact start", "2026-11-26 02:49:00 UTC", "alerting"], steps["impact_start"]);
        Assert.Equal(["acknowledged", "2026-11-26 02:50:30 UTC", "sre-bob (corrected)"], steps["acknowledged"]);
        Assert.Equal(["mitigated", "not yet", ""], steps["mitigated"]);
        Assert.Equal(["resolved", "2026-11-26 02:53:00 UTC", "alerting"], steps["resolved"]);
        var correction = page.Find("[data-testid=history-entry][data-kind=correction]");
        Assert.Equal("2026-11-26 02:52:00 UTC sre-bob corrected acknowledged from 2026-11-26 02:51:00 UTC to 2026-11-26 02:50:30 UTC: acknowledged by phone before the page",
            Text(correction));
        Assert.Equal("inc-resolved · gateway · severity page · resolved · opened by alerting", Text(page.Find("[data-testid=incident-summary]")));
        Assert.Equal("detected 1 min 00 s after impact; acknowledged 30 s after notification; resolved 3 min 00 s after detection",
            Text(page.Find("[data-testid=incident-durations]")));
        Assert.Equal("fp-resolved", page.Find("[data-testid=alert]").GetAttribute("data-fingerprint"));
    }

    [Fact]
    public void A_correction_needs_a_step_a_utc_time_and_a_reason_each_named_when_missing()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        var page = Render();

        page.Find("[data-testid=correction-save]").Click();
        Assert.Equal("step: pick the step to correct", Text(page.Find("[data-testid=correction-error]")));

        page.Find("[data-testid=correct-detected]").Click();
        Assert.Equal("2026-11-26 02:50:00", page.Find("input[data-testid=correction-time]").GetAttribute("value"));
        page.Find("input[data-testid=correction-time]").Input("yesterday at noon");
        page.Find("[data-testid=correction-save]").Click();
        Assert.Equal("time: 'yesterday at noon' is not a UTC time of the form yyyy-MM-dd HH:mm:ss", Text(page.Find("[data-testid=correction-error]")));

        page.Find("input[data-testid=correction-time]").Input("2026-11-26 02:49:30");
        page.Find("[data-testid=correction-save]").Click();
        Assert.Equal("reason is required: say why the time is corrected", Text(page.Find("[data-testid=correction-error]")));
        Assert.Empty(Source.Calls);
    }

    [Fact]
    public void A_correction_is_recorded_as_the_user_with_the_step_time_and_reason()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        var page = Render();

        page.Find("[data-testid=correct-detected]").Click();
        page.Find("input[data-testid=correction-time]").Input("2026-11-26 02:49:30");
        page.Find("input[data-testid=correction-reason]").Input("the dashboard showed errors 30 s before the page");
        page.Find("[data-testid=correction-save]").Click();

        Assert.Equal([$"detected of inc-resolved at 2026-11-26T02:49:30.0000000+00:00 by {OnCallUser}: the dashboard showed errors 30 s before the page"], Source.Calls);
        Assert.Equal("detected corrected to 2026-11-26 02:49:30 UTC.", Text(page.Find("[data-testid=notice]")));
        Assert.Empty(page.Find("input[data-testid=correction-reason]").GetAttribute("value") ?? "");
    }

    [Fact]
    public void A_correction_out_of_order_is_refused_with_the_reason_from_the_incident_service()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.RefuseWith = new Refusal(RefusalKind.Invalid, "detected (2026-11-26T02:48:00.0000000+00:00) would be before impact_start (2026-11-26T02:49:00.0000000+00:00)");
        var page = Render();

        page.Find("[data-testid=correct-detected]").Click();
        page.Find("input[data-testid=correction-time]").Input("2026-11-26 02:48:00");
        page.Find("input[data-testid=correction-reason]").Input("typo");
        page.Find("[data-testid=correction-save]").Click();

        Assert.Equal("detected (2026-11-26T02:48:00.0000000+00:00) would be before impact_start (2026-11-26T02:49:00.0000000+00:00)",
            Text(page.Find("[data-testid=correction-error]")));
        Assert.Equal("typo", page.Find("input[data-testid=correction-reason]").GetAttribute("value"));
    }

    [Fact]
    public void An_open_incident_is_resolved_by_the_user()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.NextIncident = _ => OnCallData.Detail(OnCallData.OpenIncident);
        var page = Render("inc-open");

        page.Find("[data-testid=resolve]").Click();

        Assert.Equal([$"resolved of inc-open at  by {OnCallUser}: resolved in the dashboard"], Source.Calls);
        Assert.Equal("Incident resolved.", Text(page.Find("[data-testid=notice]")));
    }

    [Fact]
    public void A_user_whose_role_may_not_respond_reads_the_timeline_without_correct_or_resolve()
    {
        SignInAs("viewer", KnownRoles.Executive);
        Source.NextIncident = _ => OnCallData.Detail(OnCallData.OpenIncident);

        var page = Render("inc-open");

        Assert.NotEmpty(page.FindAll("[data-testid=timeline-step]"));
        Assert.Empty(page.FindAll("[data-testid=correction-form]"));
        Assert.Empty(page.FindAll("[data-testid=resolve]"));
    }

    [Fact]
    public void Says_so_when_there_is_no_such_incident()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.NextIncident = _ => null;

        var page = Render("inc-nope");

        Assert.Equal("There is no incident 'inc-nope'.", Text(page.Find("[data-testid=loading]")));
    }

    [Fact]
    public async Task Reads_again_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.NextIncident = read => read == 1 ? OnCallData.Detail(OnCallData.OpenIncident) : OnCallData.Detail();
        var page = Render();
        Assert.Contains("open", page.Find("[data-testid=incident-summary]").TextContent);

        Time.Advance(TimeSpan.FromSeconds(2));
        page.WaitForAssertion(() => Assert.Contains("resolved", page.Find("[data-testid=incident-summary]").TextContent));

        await Context.DisposeComponentsAsync();
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Source.Reads);
    }
}
