using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Tests.Infrastructure;
using Observability.Collector.Tests.Query;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Security;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Alerting;

/// <summary>The alerting API on a real Collector: alerts and acknowledgement, silences, incidents, the delivery log.</summary>
public sealed class AlertingApiTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static AlertInstance FiringAlert(DateTimeOffset since) => new(
        "3f1c0c5b9a7e2d14", "HighErrorRatio",
        new Dictionary<string, string> { ["alertname"] = "HighErrorRatio", ["service"] = "storefront-api", ["severity"] = "page" },
        new Dictionary<string, string> { ["summary"] = "storefront-api: 12% of requests fail" },
        AlertState.Firing, since.AddSeconds(-10), since, null, 0.12, since, since.AddSeconds(-15));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task A_firing_page_alert_is_listed_acknowledged_once_and_its_incident_follows()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);
        var alert = FiringAlert(since);
        await host.Store.Alerting.SaveAlertsAsync([alert], [], None);
        var incident = Assert.Single(await host.Services.GetRequiredService<IncidentService>().ReconcileAsync([alert], None));

        var firing = await QueryHttp.GetOkAsync(host, "/api/alerts?state=firing");
        Assert.Equal(alert.Fingerprint, firing.GetProperty("alerts")[0].GetProperty("fingerprint").GetString());
        Assert.Equal(0, (await QueryHttp.GetOkAsync(host, "/api/alerts?state=pending")).GetProperty("alerts").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await QueryHttp.GetAsync(host, "/api/alerts?state=angry")).Status);

        using var executive = host.ApiClient(KnownRoles.Executive);
        Assert.Equal(HttpStatusCode.Forbidden, (await executive.PostAsync($"/api/alerts/{alert.Fingerprint}/ack", null)).StatusCode);
        using var onCall = host.ApiClient(KnownRoles.OnCall);
        var acknowledged = await JsonAsync(await onCall.PostAsync($"/api/alerts/{alert.Fingerprint}/ack", null), HttpStatusCode.OK);
        Assert.Equal("test-oncall", acknowledged.GetProperty("acknowledgedBy").GetString());
        var again = await JsonAsync(await onCall.PostAsync($"/api/alerts/{alert.Fingerprint}/ack", null), HttpStatusCode.Conflict);
        Assert.StartsWith($"alert {alert.Fingerprint} was already acknowledged by test-oncall", again.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await onCall.PostAsync("/api/alerts/0000000000000000/ack", null)).StatusCode);

        var detail = await QueryHttp.GetOkAsync(host, $"/api/incidents/{incident.Id}");
        Assert.Equal("open", detail.GetProperty("incident").GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, detail.GetProperty("incident").GetProperty("acknowledgedAt").ValueKind);
        Assert.Equal(["opened", "step"], detail.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(alert.Fingerprint, detail.GetProperty("alerts")[0].GetProperty("fingerprint").GetString());
    }

    [Fact]
    public async Task Silences_are_validated_listed_and_expired()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var onCall = host.ApiClient(KnownRoles.OnCall);
        var endsAt = DateTimeOffset.UtcNow.AddHours(1);

        async Task<string?> RefusalAsync(object body) =>
            (await JsonAsync(await onCall.PostAsJsonAsync("/api/silences", body), HttpStatusCode.BadRequest)).GetProperty("error").GetString();
        Assert.Equal("matchers must hold at least one matcher", await RefusalAsync(new { matchers = Array.Empty<object>(), endsAt, comment = "x" }));
        Assert.Equal("matcher service: '([' is not a valid regular expression", await RefusalAsync(new { matchers = new[] { new { name = "service", value = "([", isRegex = true } }, endsAt, comment = "x" }));
        Assert.Equal("comment is required: say why the alerts are silenced", await RefusalAsync(new { matchers = new[] { new { name = "service", value = "auth" } }, endsAt }));
        Assert.Equal("endsAt is required (RFC 3339)", await RefusalAsync(new { matchers = new[] { new { name = "service", value = "auth" } }, comment = "x" }));

        var created = await JsonAsync(await onCall.PostAsJsonAsync("/api/silences",
            new { matchers = new[] { new { name = "service", value = "auth-service" } }, endsAt, comment = "rotating certificates" }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(("active", "test-oncall"), (created.GetProperty("status").GetString(), created.GetProperty("createdBy").GetString()));
        Assert.Equal(id, (await QueryHttp.GetOkAsync(host, "/api/silences")).GetProperty("silences")[0].GetProperty("id").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await onCall.DeleteAsync($"/api/silences/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onCall.DeleteAsync($"/api/silences/{id}")).StatusCode);
        Assert.Equal(0, (await QueryHttp.GetOkAsync(host, "/api/silences")).GetProperty("silences").GetArrayLength());
        Assert.Equal("expired", (await QueryHttp.GetOkAsync(host, "/api/silences?expired=true")).GetProperty("silences")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_incident_opened_by_hand_keeps_an_audited_timeline_and_statistics()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var sre = host.ApiClient(KnownRoles.Sre);
        var impact = DateTimeOffset.UtcNow.AddMinutes(-10);

        var opened = await JsonAsync(await sre.PostAsJsonAsync("/api/incidents", new { service = "payment-service", title = "Card payments time out", impactStart = impact }), HttpStatusCode.Created);
        var id = opened.GetProperty("id").GetString()!;
        var badStep = await JsonAsync(await sre.PostAsJsonAsync($"/api/incidents/{id}/timeline", new { step = "mitigated", at = impact.AddMinutes(-1) }), HttpStatusCode.BadRequest);
        Assert.StartsWith("mitigated (", badStep.GetProperty("error").GetString());
        Assert.Contains("would be before", badStep.GetProperty("error").GetString());
        var unknownStep = await JsonAsync(await sre.PostAsJsonAsync($"/api/incidents/{id}/timeline", new { step = "panicked" }), HttpStatusCode.BadRequest);
        Assert.StartsWith("step 'panicked' is not one of", unknownStep.GetProperty("error").GetString());

        await JsonAsync(await sre.PostAsJsonAsync($"/api/incidents/{id}/timeline", new { step = "impact_start", at = impact.AddMinutes(-2), note = "the cert expired earlier" }), HttpStatusCode.OK);
        var resolved = await JsonAsync(await sre.PostAsync($"/api/incidents/{id}/resolve", null), HttpStatusCode.OK);
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await sre.PostAsync("/api/incidents/inc-none/resolve", null)).StatusCode);

        var detail = await QueryHttp.GetOkAsync(host, $"/api/incidents/{id}");
        Assert.Equal([("opened", "test-sre"), ("correction", "test-sre"), ("step", "test-sre")],
            detail.GetProperty("timeline").EnumerateArray().Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("author").GetString())));
        var list = await QueryHttp.GetOkAsync(host, "/api/incidents");
        Assert.Equal(1, list.GetProperty("statistics").GetProperty("count").GetInt32());
        Assert.InRange(list.GetProperty("statistics").GetProperty("mttd").GetProperty("meanMinutes").GetDouble(), 11.9, 12.1);
        Assert.Equal(0, (await QueryHttp.GetOkAsync(host, "/api/incidents?open=true")).GetProperty("incidents").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await QueryHttp.GetAsync(host, "/api/incidents/inc-none")).Status);
    }

    [Fact]
    public async Task The_delivery_log_shows_every_attempt()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        var now = DateTimeOffset.UtcNow;
        await host.Store.Alerting.EnqueueAsync([new Notification("n1", "oncall", "{}:{}", "k1", "firing", "{\"version\":\"4\",\"status\":\"firing\"}", NotificationStatus.Pending, 0, now, now, null, null)], None);
        await host.Store.Alerting.RecordAttemptAsync(new DeliveryAttempt("n1", 1, now, 503, 4.2, "HTTP 503"), NotificationStatus.Pending, now.AddSeconds(1), None);

        var log = await QueryHttp.GetOkAsync(host, "/api/notifications?receiver=oncall");
        var row = log.GetProperty("notifications")[0];
        Assert.Equal(("pending", "4", 503), (row.GetProperty("delivery").GetString(), row.GetProperty("payload").GetProperty("version").GetString(), row.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32()));
    }
}
