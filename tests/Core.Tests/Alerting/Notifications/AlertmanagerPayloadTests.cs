using Observability.Core.Tests.Alerting.Notifications;
using Observability.Tests.Shared;
using static Observability.Core.Tests.Alerting.Notifications.DispatchTimeline;

namespace Observability.Core.Tests.Alerting.Notifications;

/// <summary>The webhook body against Alertmanager's webhook format (version "4"), written out by hand.</summary>
public sealed class AlertmanagerPayloadTests
{
    [Fact]
    public void A_flush_with_a_firing_and_a_resolved_alert_is_alertmanagers_webhook_json()
    {
        var timeline = For(Receiver());
        timeline.Run(TimeSpan.Zero, TimeSpan.FromSeconds(65), TimeSpan.FromSeconds(5), at => at < TimeSpan.FromSeconds(30)
            ? [Firing("HighErrorRate", TimeSpan.Zero, "web-1"), Firing("HighErrorRate", TimeSpan.FromSeconds(1.25), "web-2")]
            : [Resolved("HighErrorRate", TimeSpan.Zero, TimeSpan.FromSeconds(30), "web-1"), Firing("HighErrorRate", TimeSpan.FromSeconds(1.25), "web-2")]);

        var payload = timeline.Sent[^1].Notification.Payload;

        JsonAssert.Equivalent("""
            {
              "receiver": "oncall",
              "status": "firing",
              "alerts": [
                {
                  "status": "resolved",
                  "labels": { "alertname": "HighErrorRate", "instance": "web-1", "service": "storefront", "severity": "page" },
                  "annotations": { "runbook_url": "https://runbooks.example.test/HighErrorRate", "summary": "HighErrorRate on storefront" },
                  "startsAt": "2026-11-26T10:00:00Z",
                  "endsAt": "2026-11-26T10:00:30Z",
                  "generatorURL": "https://observability.example.test/alerts/higherrorrate-web-1",
                  "fingerprint": "higherrorrate-web-1"
                },
                {
                  "status": "firing",
                  "labels": { "alertname": "HighErrorRate", "instance": "web-2", "service": "storefront", "severity": "page" },
                  "annotations": { "runbook_url": "https://runbooks.example.test/HighErrorRate", "summary": "HighErrorRate on storefront" },
                  "startsAt": "2026-11-26T10:00:01.25Z",
                  "endsAt": "0001-01-01T00:00:00Z",
                  "generatorURL": "https://observability.example.test/alerts/higherrorrate-web-2",
                  "fingerprint": "higherrorrate-web-2"
                }
              ],
              "groupLabels": { "alertname": "HighErrorRate" },
              "commonLabels": { "alertname": "HighErrorRate", "service": "storefront", "severity": "page" },
              "commonAnnotations": { "runbook_url": "https://runbooks.example.test/HighErrorRate", "summary": "HighErrorRate on storefront" },
              "externalURL": "https://observability.example.test",
              "version": "4",
              "groupKey": "{}:{alertname=\"HighErrorRate\"}",
              "truncatedAlerts": 0
            }
            """, payload);
        // Alertmanager's field order, so a byte-for-byte comparison by a receiver's own tests holds too.
        Assert.StartsWith("{\"receiver\":\"oncall\",\"status\":\"firing\",\"alerts\":[", payload);
        Assert.EndsWith(",\"externalURL\":\"https://observability.example.test\",\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\u0022HighErrorRate\\u0022}\",\"truncatedAlerts\":0}", payload);
    }

    [Theory]
    [InlineData("2026-11-26T10:00:00.0000000Z", "2026-11-26T10:00:00Z")]
    [InlineData("2026-11-26T10:00:00.1200000Z", "2026-11-26T10:00:00.12Z")]
    [InlineData("2026-11-26T12:00:00.0000001+02:00", "2026-11-26T10:00:00.0000001Z")]
    public void Times_are_written_as_go_writes_rfc3339_nano(string time, string expected)
    {
        Assert.Equal(expected, Core.Alerting.Notifications.AlertmanagerPayload.Rfc3339(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Label_values_are_quoted_in_the_group_key_as_go_quotes_them()
    {
        Assert.Equal("{a=\"x\\\"y\", b=\"p\\\\q\\nr\"}", Core.Alerting.Notifications.NotificationDispatcher.LabelSet(new Dictionary<string, string>
        {
            ["b"] = "p\\q\nr",
            ["a"] = "x\"y",
        }));
    }
}
