using System.Text.Json;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Notifications;
using static Observability.Core.Tests.Alerting.Notifications.DispatchTimeline;

namespace Observability.Core.Tests.Alerting.Notifications;

/// <summary>Alertmanager's grouping, timing and deduplication against hand-worked timelines (group_wait 5 s, group_interval 1 m, repeat 4 h).</summary>
public sealed class NotificationDispatcherTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);

    private static JsonElement Body(Notification notification) => JsonDocument.Parse(notification.Payload).RootElement;

    private static string[] AlertStatuses(Notification notification) =>
        [.. Body(notification).GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("fingerprint").GetString() + ":" + a.GetProperty("status").GetString())];

    [Fact]
    public void The_first_notification_waits_group_wait_after_the_alert_fires()
    {
        var timeline = For(Receiver());
        AlertInstance[] alerts = [Firing("HighErrorRate", S(0))];

        Assert.Empty(timeline.Tick(S(0), alerts));
        Assert.Equal(["{}:{alertname=\"HighErrorRate\"}"], timeline.Groups.Keys.Select(k => k.GroupKey));
        Assert.Empty(timeline.Tick(S(4), alerts));
        var sent = Assert.Single(timeline.Tick(S(5), alerts));
        Assert.Empty(timeline.Tick(S(6), alerts));

        Assert.Equal("firing", sent.Status);
        Assert.Equal("oncall", sent.Receiver);
        Assert.Equal("{}:{alertname=\"HighErrorRate\"}", sent.GroupKey);
        Assert.Equal(NotificationStatus.Pending, sent.Delivery);
        Assert.Equal(T0 + S(5), sent.NextAttemptAt);
        Assert.Equal(["higherrorrate-web-1:firing"], AlertStatuses(sent));
    }

    [Fact]
    public void An_alert_seen_after_its_group_wait_is_over_is_sent_at_once()
    {
        var timeline = For(Receiver());

        // Fired 40 s ago (the dispatcher was down, or the evaluator saved it late): no second wait.
        var sent = Assert.Single(timeline.Tick(S(40), [Firing("HighErrorRate", S(0))]));
        // Another Collector finding it a few seconds later computes the same flush (scheduled at 5 s), so the same key.
        var other = Assert.Single(For(Receiver()).Tick(S(43), [Firing("HighErrorRate", S(0))]));

        Assert.Equal("firing", sent.Status);
        Assert.Equal(sent.IdempotencyKey, other.IdempotencyKey);
        // The next look is on the group_interval grid of that schedule: 1 m 5 s.
        Assert.Empty(timeline.Tick(S(64), [Firing("HighErrorRate", S(0)), Firing("HighErrorRate", S(50), "web-2")]));
        Assert.Single(timeline.Tick(S(65), [Firing("HighErrorRate", S(0)), Firing("HighErrorRate", S(50), "web-2")]));
    }

    [Fact]
    public void A_second_alert_of_the_group_waits_for_the_next_group_interval_tick()
    {
        var timeline = For(Receiver());
        IReadOnlyList<AlertInstance> Alerts(TimeSpan at) => at < S(20)
            ? [Firing("HighErrorRate", S(0), "web-1")]
            : [Firing("HighErrorRate", S(0), "web-1"), Firing("HighErrorRate", S(20), "web-2")];

        timeline.Run(S(0), S(130), S(1), Alerts);

        // t=5 s: web-1; t=65 s (5 s + 1 m): web-1 and web-2; t=125 s: nothing new, no repeat yet.
        Assert.Equal([S(5), S(65)], timeline.Sent.Select(s => s.At - T0));
        Assert.Equal(["higherrorrate-web-1:firing", "higherrorrate-web-2:firing"], AlertStatuses(timeline.Sent[1].Notification));
    }

    [Fact]
    public void Unchanged_firing_alerts_repeat_after_the_repeat_interval()
    {
        var timeline = For(Receiver());

        timeline.Run(S(0), M(4 * 60 + 3), S(5), _ => [Firing("HighErrorRate", S(0))]);

        // Flushes are at 5 s + n minutes; the one at 4 h 0 m 5 s is the first with 4 h since the last notification.
        Assert.Equal([S(5), M(240) + S(5)], timeline.Sent.Select(s => s.At - T0).Distinct());
        Assert.Equal(2, timeline.Sent.Count);
        Assert.NotEqual(timeline.Sent[0].Notification.IdempotencyKey, timeline.Sent[1].Notification.IdempotencyKey);
    }

    [Fact]
    public void An_acknowledged_alert_does_not_repeat()
    {
        var timeline = For(Receiver());

        timeline.Run(S(0), M(9 * 60), S(5), at => [Firing("HighErrorRate", S(0), acknowledgedBy: at >= M(10) ? "ana" : null)]);

        Assert.Equal([S(5)], timeline.Sent.Select(s => s.At - T0));
    }

    [Fact]
    public void One_unacknowledged_alert_keeps_the_group_repeating()
    {
        var timeline = For(Receiver());

        timeline.Run(S(0), M(4 * 60 + 1), S(5), _ => [Firing("HighErrorRate", S(0), "web-1", acknowledgedBy: "ana"), Firing("HighErrorRate", S(0), "web-2")]);

        Assert.Equal(2, timeline.Sent.Count);
        Assert.Equal(["higherrorrate-web-1:firing", "higherrorrate-web-2:firing"], AlertStatuses(timeline.Sent[1].Notification));
    }

    [Fact]
    public void A_resolved_alert_is_sent_once_then_its_group_is_deleted()
    {
        var timeline = For(Receiver());
        IReadOnlyList<AlertInstance> Alerts(TimeSpan at) => at < S(30)
            ? [Firing("HighErrorRate", S(0))]
            : [Resolved("HighErrorRate", S(0), S(30))];

        timeline.Run(S(0), M(10), S(1), Alerts);

        Assert.Equal([S(5), S(65)], timeline.Sent.Select(s => s.At - T0));
        var resolved = timeline.Sent[1].Notification;
        Assert.Equal("resolved", resolved.Status);
        var alert = Body(resolved).GetProperty("alerts")[0];
        Assert.Equal("resolved", alert.GetProperty("status").GetString());
        Assert.Equal("2026-11-26T10:00:30Z", alert.GetProperty("endsAt").GetString());
        Assert.Empty(timeline.Groups);
    }

    [Fact]
    public void An_alert_dropped_by_the_evaluator_soon_after_it_resolved_is_still_sent_resolved()
    {
        var timeline = For(Receiver());
        // Resolved at 30 s and reported so for two seconds only, long before the 65 s flush.
        IReadOnlyList<AlertInstance> Alerts(TimeSpan at) => at < S(30) ? [Firing("HighErrorRate", S(0))]
            : at < S(32) ? [Resolved("HighErrorRate", S(0), S(30))]
            : [];

        timeline.Run(S(0), M(3), S(1), Alerts);

        Assert.Equal([S(5), S(65)], timeline.Sent.Select(s => s.At - T0));
        var alert = Body(timeline.Sent[1].Notification).GetProperty("alerts")[0];
        Assert.Equal("resolved", alert.GetProperty("status").GetString());
        Assert.Equal("2026-11-26T10:00:30Z", alert.GetProperty("endsAt").GetString());
        Assert.Equal("HighErrorRate on storefront", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Empty(timeline.Groups);
    }

    [Fact]
    public void An_alert_that_vanishes_while_firing_is_sent_resolved_as_of_the_scheduled_flush()
    {
        var timeline = For(Receiver());

        // Its rule was deleted at 20 s: the evaluator reports nothing more about it. Ticks every 7 s, so the flushes
        // scheduled at 5 s and 65 s happen at 7 s and 70 s.
        timeline.Run(S(0), M(3), S(7), at => at < S(20) ? [Firing("HighErrorRate", S(0))] : []);

        Assert.Equal([S(7), S(70)], timeline.Sent.Select(s => s.At - T0));
        Assert.Equal("resolved", timeline.Sent[1].Notification.Status);
        Assert.Equal("2026-11-26T10:01:05Z", Body(timeline.Sent[1].Notification).GetProperty("alerts")[0].GetProperty("endsAt").GetString());
        Assert.Empty(timeline.Groups);
    }

    [Fact]
    public void Without_send_resolved_a_resolution_sends_nothing_and_the_group_goes()
    {
        var timeline = For(Receiver(r => r.SendResolved = false));

        timeline.Run(S(0), M(3), S(1), at => at < S(30) ? [Firing("HighErrorRate", S(0))] : [Resolved("HighErrorRate", S(0), S(30))]);

        Assert.Equal([S(5)], timeline.Sent.Select(s => s.At - T0));
        Assert.Empty(timeline.Groups);
    }

    [Fact]
    public void One_of_two_alerts_resolving_sends_both_and_the_firing_one_stays()
    {
        var timeline = For(Receiver());
        IReadOnlyList<AlertInstance> Alerts(TimeSpan at) => at < S(30)
            ? [Firing("HighErrorRate", S(0), "web-1"), Firing("HighErrorRate", S(0), "web-2")]
            : [Resolved("HighErrorRate", S(0), S(30), "web-1"), Firing("HighErrorRate", S(0), "web-2")];

        timeline.Run(S(0), M(3), S(1), Alerts);

        Assert.Equal([S(5), S(65)], timeline.Sent.Select(s => s.At - T0));
        var second = timeline.Sent[1].Notification;
        Assert.Equal("firing", second.Status);
        Assert.Equal(["higherrorrate-web-1:resolved", "higherrorrate-web-2:firing"], AlertStatuses(second));
        Assert.Single(timeline.Groups);
    }

    [Fact]
    public void An_alert_that_fires_and_resolves_within_group_wait_is_never_sent()
    {
        var timeline = For(Receiver());

        timeline.Run(S(0), M(2), S(1), at => at < S(3) ? [Firing("Blip", S(0))] : [Resolved("Blip", S(0), S(3))]);

        Assert.Empty(timeline.Sent);
        Assert.Empty(timeline.Groups);
    }

    [Fact]
    public void Pending_and_inactive_alerts_are_never_sent()
    {
        var timeline = For(Receiver());
        var inactive = Pending("Quiet", S(0), "web-9") with { State = AlertState.Inactive, ActiveSince = null };

        timeline.Run(S(0), M(2), S(1), _ => [Pending("HighErrorRate", S(0)), inactive]);

        Assert.Empty(timeline.Sent);
        Assert.Empty(timeline.Groups);
    }

    [Fact]
    public void A_silenced_alert_is_sent_at_the_first_tick_after_its_silence_ends()
    {
        var timeline = For(Receiver());
        Silence[] silences = [new("s1", [new LabelMatcher("alertname", "HighErrorRate"), new LabelMatcher("instance", "web-.*", IsRegex: true)],
            T0 - M(1), T0 + S(100), "ana", "deploying", T0 - M(1))];

        timeline.Run(S(0), M(3), S(1), _ => [Firing("HighErrorRate", S(0))], silences);

        // Silenced at the 5 s and 65 s flushes; the silence ends at 100 s; the next tick is at 125 s.
        Assert.Equal([S(125)], timeline.Sent.Select(s => s.At - T0));
    }

    [Theory]
    [InlineData("web", true, true, false)]
    [InlineData("web-.*", true, true, true)]
    [InlineData("web-1|web-2", true, true, true)]
    [InlineData("web-1", false, true, true)]
    [InlineData("web-2", false, false, true)]
    [InlineData("api.*", true, false, true)]
    public void Silence_matchers_are_anchored_and_may_be_negative(string value, bool isRegex, bool isEqual, bool mutes)
    {
        var silence = new Silence("s", [new LabelMatcher("instance", value, isRegex, isEqual)], T0, T0 + M(1), "ana", "", T0);

        Assert.Equal(mutes, SilenceMatcher.Mutes(silence, Firing("X", S(0)).Labels, T0 + S(1)));
    }

    [Fact]
    public void A_silence_applies_from_its_start_up_to_but_not_at_its_end()
    {
        var silence = new Silence("s", [new LabelMatcher("alertname", "X")], T0 + S(10), T0 + S(20), "ana", "", T0);
        var labels = Firing("X", S(0)).Labels;

        Assert.False(SilenceMatcher.Mutes(silence, labels, T0 + S(9)));
        Assert.True(SilenceMatcher.Mutes(silence, labels, T0 + S(10)));
        Assert.True(SilenceMatcher.Mutes(silence, labels, T0 + S(19)));
        Assert.False(SilenceMatcher.Mutes(silence, labels, T0 + S(20)));
    }

    [Fact]
    public void A_silence_with_a_broken_regex_mutes_nothing_and_does_not_throw()
    {
        var silence = new Silence("s", [new LabelMatcher("instance", "web-(", IsRegex: true)], T0, T0 + M(1), "ana", "", T0);

        Assert.False(SilenceMatcher.Mutes(silence, Firing("X", S(0)).Labels, T0 + S(1)));
    }

    [Fact]
    public void Group_by_and_match_route_and_key_groups_like_alertmanager()
    {
        var receivers = new Dictionary<string, WebhookReceiverOptions>
        {
            ["pager"] = Receiver(r =>
            {
                r.Match = new() { ["severity"] = "page" };
                r.GroupBy = ["service", "alertname"];
            }),
            ["everything"] = Receiver(r => r.GroupBy = ["..."]),
            ["by-team"] = Receiver(r => r.GroupBy = ["team"]),
        };
        var timeline = new DispatchTimeline(receivers);

        timeline.Tick(M(1), [Firing("HighErrorRate", S(0), "web-1", "page"), Firing("SlowQueries", S(0), "db-1", "ticket")]);

        Assert.Equal(
        [
            ("by-team", "{}:{}"),
            ("everything", "{}:{alertname=\"HighErrorRate\", instance=\"web-1\", service=\"storefront\", severity=\"page\"}"),
            ("everything", "{}:{alertname=\"SlowQueries\", instance=\"db-1\", service=\"storefront\", severity=\"ticket\"}"),
            ("pager", "{}/{severity=\"page\"}:{alertname=\"HighErrorRate\", service=\"storefront\"}"),
        ], timeline.Sent.Select(s => (s.Notification.Receiver, s.Notification.GroupKey)).Order());
        // No alert has a team label: they share the group whose labels are empty, as in Alertmanager.
        Assert.Equal(2, Body(timeline.Sent.Single(s => s.Notification.Receiver == "by-team").Notification).GetProperty("alerts").GetArrayLength());
    }

    [Fact]
    public void The_same_flush_computed_twice_has_the_same_idempotency_key()
    {
        AlertInstance[] alerts = [Firing("HighErrorRate", S(0), "web-1"), Firing("HighErrorRate", S(2), "web-2")];
        // Two Collectors: one saw the group at 0 s, the other first at 3 s; both flush at 5 s, one at 5.2 s, one at 6 s.
        var first = For(Receiver());
        first.Tick(S(0), alerts);
        var second = For(Receiver());
        second.Tick(S(3), alerts);

        var a = Assert.Single(first.Tick(S(5.2), alerts));
        var b = Assert.Single(second.Tick(S(6), alerts));

        Assert.Equal(a.IdempotencyKey, b.IdempotencyKey);
        Assert.Equal(a.Id, b.Id);
        Assert.Equal(a.Payload, b.Payload);
        Assert.Matches("^[0-9a-f]{64}$", a.IdempotencyKey);
    }

    [Fact]
    public void Group_state_survives_a_restart_through_its_stored_json()
    {
        var timeline = For(Receiver());
        timeline.Run(S(0), S(10), S(1), _ => [Firing("HighErrorRate", S(0))]);
        var stored = Assert.Single(timeline.Groups.Values);

        // A new dispatcher (a restarted Collector) reading the stored group does not send the same alert again.
        var restarted = For(Receiver());
        restarted.Groups[(stored.Receiver, stored.GroupKey)] = stored;
        restarted.Run(S(11), M(3), S(1), _ => [Firing("HighErrorRate", S(0))]);

        Assert.Single(timeline.Sent);
        Assert.Empty(restarted.Sent);
        using var state = JsonDocument.Parse(stored.State);
        Assert.Equal("2026-11-26T10:01:05+00:00", state.RootElement.GetProperty("nextFlushAt").GetString());
    }

    [Fact]
    public void Groups_of_a_receiver_no_longer_configured_are_deleted()
    {
        var dispatcher = new NotificationDispatcher(ExternalUrl);
        var result = dispatcher.Dispatch(T0, [], [], [new AlertGroupRecord("gone", "{}:{alertname=\"X\"}", "{}", T0)], new Dictionary<string, WebhookReceiverOptions>());

        Assert.Equal([("gone", "{}:{alertname=\"X\"}")], result.DeletedGroups);
        Assert.Empty(result.SavedGroups);
    }
}
