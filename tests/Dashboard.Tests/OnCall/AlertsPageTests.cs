using Bunit;
using Observability.Collector.Alerting;
using Observability.Core.Security;
using AlertsPage = Observability.Dashboard.Components.Pages.Alerts;

namespace Observability.Dashboard.Tests.OnCall;

public sealed class AlertsPageTests : OnCallPageContext
{
    private static string Text(AngleSharp.Dom.IElement element) => element.TextContent.Trim();

    [Fact]
    public void Shows_firing_alerts_first_with_severity_labels_summary_since_and_value_and_counts_each_state()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);

        var page = Context.Render<AlertsPage>();

        var alert = page.Find("[data-testid=alert]");
        Assert.Equal("fp-firing", alert.GetAttribute("data-fingerprint"));
        Assert.Equal("HighErrorRatio", Text(alert.QuerySelector("[data-testid=alert-rule]")!));
        Assert.Equal("page", Text(alert.QuerySelector("[data-testid=alert-severity]")!));
        Assert.Equal(["alertname=HighErrorRatio", "service=storefront-api", "severity=page"],
            alert.QuerySelectorAll("[data-testid=alert-label]").Select(Text));
        Assert.Equal("storefront-api: error ratio 0.48 over 30s (above 0.05)", Text(alert.QuerySelector("[data-testid=alert-summary]")!));
        Assert.Contains("ended in error over the last 30 seconds", alert.QuerySelector("[data-testid=alert-description]")!.TextContent);
        Assert.Equal("firing since 2026-11-26 02:58:25 UTC (1 min 35 s)", Text(alert.QuerySelector("[data-testid=alert-since]")!));
        Assert.StartsWith("value 0.48", Text(alert.QuerySelector("[data-testid=alert-value]")!));
        Assert.Equal("not acknowledged", Text(alert.QuerySelector("[data-testid=alert-unacknowledged]")!));
        Assert.Equal(["Firing (1)", "Pending (1)", "Resolved (1)"], page.FindAll("[data-testid^=filter-]").Select(Text));
    }

    [Fact]
    public void The_filters_show_pending_and_resolved_alerts_and_say_when_a_state_has_none()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        var page = Context.Render<AlertsPage>();

        page.Find("[data-testid=filter-pending]").Click();
        Assert.Equal("fp-pending", page.Find("[data-testid=alert]").GetAttribute("data-fingerprint"));
        Assert.StartsWith("pending since 2026-11-26 02:59:40 UTC (20 s)", Text(page.Find("[data-testid=alert-since]")));

        page.Find("[data-testid=filter-resolved]").Click();
        var resolved = page.Find("[data-testid=alert]");
        Assert.Equal("resolved at 2026-11-26 02:53:00 UTC after firing for 3 min 00 s", Text(resolved.QuerySelector("[data-testid=alert-since]")!));
        Assert.Equal("acknowledged by sre-bob at 2026-11-26 02:51:00 UTC", Text(resolved.QuerySelector("[data-testid=alert-acknowledged]")!));

        Source.NextAlerts = _ => OnCallData.Alerts(withAlerts: false);
        Time.Advance(TimeSpan.FromSeconds(2));
        page.WaitForAssertion(() => Assert.Equal("No alert resolved recently.", Text(page.Find("[data-testid=no-alerts]"))));
        page.Find("[data-testid=filter-firing]").Click();
        Assert.Equal("No alert is firing.", Text(page.Find("[data-testid=no-alerts]")));
    }

    [Fact]
    public void On_call_acknowledges_a_firing_alert_as_themselves_and_sees_who_acknowledged_it()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        var page = Context.Render<AlertsPage>();

        page.Find("[data-testid=acknowledge]").Click();

        Assert.Equal([$"ack fp-firing by {OnCallUser}"], Source.Calls);
        Assert.Equal($"acknowledged by {OnCallUser} at 2026-11-26 03:00:00 UTC", Text(page.Find("[data-testid=alert-acknowledged]")));
        Assert.Empty(page.FindAll("[data-testid=acknowledge]"));
        Assert.Equal($"HighErrorRatio acknowledged by {OnCallUser}.", Text(page.Find("[data-testid=notice]")));
    }

    [Fact]
    public void A_refused_acknowledgement_says_why()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.RefuseWith = new Refusal(RefusalKind.Conflict, "alert fp-firing was already acknowledged by sre-bob at 2026-11-26T02:59:00.0000000+00:00");
        var page = Context.Render<AlertsPage>();

        page.Find("[data-testid=acknowledge]").Click();

        Assert.Equal("Not acknowledged: alert fp-firing was already acknowledged by sre-bob at 2026-11-26T02:59:00.0000000+00:00.", Text(page.Find("[data-testid=notice]")));
    }

    [Fact]
    public void A_user_whose_role_may_not_respond_sees_the_alerts_without_acknowledge_silence_or_expire()
    {
        // An Executive cannot open the page (Investigate); a user lacking Respond is the case the buttons guard against.
        SignInAs("viewer", KnownRoles.Executive);

        var page = Context.Render<AlertsPage>();

        Assert.Single(page.FindAll("[data-testid=alert]"));
        Assert.Empty(page.FindAll("[data-testid=acknowledge]"));
        Assert.Empty(page.FindAll("[data-testid=silence]"));
        Assert.Empty(page.FindAll("[data-testid=expire]"));
        Assert.Contains("Your role may read alerts but not acknowledge or silence them.", page.Find("[data-testid=read-at]").TextContent);
    }

    [Fact]
    public void A_silence_from_an_alert_starts_with_its_labels_and_is_checked_field_by_field()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        var page = Context.Render<AlertsPage>();

        page.Find("[data-testid=silence]").Click();
        Assert.Equal(["alertname=HighErrorRatio", "service=storefront-api", "severity=page"],
            page.FindAll("[data-testid=silence-matcher]").Select(Text));

        page.Find("[data-testid=silence-create]").Click();
        Assert.Equal("comment is required: say why the alerts are silenced", Text(page.Find("[data-testid=silence-error]")));

        page.Find("input[data-testid=silence-comment]").Input("deploying the fix");
        page.Find("input[data-testid=silence-duration]").Input("0");
        page.Find("[data-testid=silence-create]").Click();
        Assert.Equal("duration must be at least 1 minute", Text(page.Find("[data-testid=silence-error]")));

        page.Find("input[data-testid=silence-duration]").Input("30");
        while (page.FindAll("[data-testid=remove-matcher]").Count > 0)
        {
            page.Find("[data-testid=remove-matcher]").Click();
        }
        page.Find("[data-testid=silence-create]").Click();
        Assert.Equal("matchers must hold at least one matcher", Text(page.Find("[data-testid=silence-error]")));
        Assert.Empty(Source.Calls);
    }

    [Fact]
    public void A_valid_silence_is_created_by_the_user_for_the_chosen_matchers_and_duration()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        var page = Context.Render<AlertsPage>();
        page.Find("[data-testid=silence]").Click();

        page.FindAll("[data-testid=remove-matcher]")[2].Click();
        page.Find("input[data-testid=silence-comment]").Input("deploying the fix");
        page.Find("input[data-testid=silence-duration]").Input("30");
        page.Find("[data-testid=silence-create]").Click();

        Assert.Equal([$"silence by {OnCallUser}"], Source.Calls);
        var draft = Source.LastSilence!;
        Assert.Equal(["alertname=HighErrorRatio", "service=storefront-api"], draft.Matchers!.Select(m => $"{m.Name}={m.Value}"));
        Assert.Equal(OnCallData.Now, draft.StartsAt);
        Assert.Equal(OnCallData.Now.AddMinutes(30), draft.EndsAt);
        Assert.Equal("deploying the fix", draft.Comment);
        Assert.Empty(page.FindAll("[data-testid=silence-form]"));
        Assert.Equal("Silence sil-new created until 2026-11-26 03:30:00 UTC.", Text(page.Find("[data-testid=notice]")));
    }

    [Fact]
    public void Lists_active_silences_with_expire_and_the_rules_with_their_condition_and_state()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        var page = Context.Render<AlertsPage>();

        var silence = page.Find("[data-testid=silence-row]");
        Assert.Equal(["service=checkout", "active", "2026-11-26 02:55:00 UTC", "2026-11-26 03:55:00 UTC", "oncall-ann", "deploying checkout", "Expire"],
            silence.QuerySelectorAll("td").Select(Text));
        page.Find("[data-testid=expire]").Click();
        Assert.Equal([$"expire sil-1 by {OnCallUser}"], Source.Calls);

        var rules = page.FindAll("[data-testid=rule-row]");
        Assert.Equal(["HighErrorRatio", "error_ratio of each service over 30s > 0.05", "0s", "page", "severity=page", "1 firing; evaluated at 02:59:59 UTC over 4 series"],
            rules[0].QuerySelectorAll("td").Select(Text));
        Assert.Equal("1 pending; not evaluated yet", Text(rules[1].QuerySelector("[data-testid=rule-state]")!));
    }

    [Fact]
    public void Says_plainly_when_no_silence_is_active()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.NextAlerts = _ => OnCallData.Alerts(withSilence: false);

        var page = Context.Render<AlertsPage>();

        Assert.Equal("No silence is active or pending.", Text(page.Find("[data-testid=no-silences]")));
    }

    [Fact]
    public void Keeps_the_last_alerts_and_says_why_when_a_read_fails()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.NextAlerts = read => read == 1 ? OnCallData.Alerts() : throw new InvalidOperationException("database is locked");
        var page = Context.Render<AlertsPage>();

        Time.Advance(TimeSpan.FromSeconds(2));

        page.WaitForAssertion(() => Assert.Contains("could not be read (database is locked)", page.Find("[data-testid=read-error]").TextContent));
        Assert.Single(page.FindAll("[data-testid=alert]"));
    }

    [Fact]
    public async Task Reads_again_every_two_seconds_while_open_and_never_after_it_is_closed()
    {
        SignInAs(OnCallUser, KnownRoles.OnCall);
        Source.NextAlerts = read => read == 1 ? OnCallData.Alerts(withAlerts: false) : OnCallData.Alerts();
        var page = Context.Render<AlertsPage>();
        Assert.Equal("No alert is firing.", Text(page.Find("[data-testid=no-alerts]")));

        Time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, Source.Reads);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=alert]")));

        await Context.DisposeComponentsAsync();
        Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, Source.Reads);
    }
}
