using Microsoft.Extensions.Logging.Abstractions;
using Observability.Core.Alerting;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Storage;

/// <summary>Alerting's tables behave the same in both stores.</summary>
public abstract class AlertingStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract Task<ITelemetryStore> OpenAsync();

    private static AlertInstance Alert(string fingerprint, AlertState state, DateTimeOffset at) => new(
        fingerprint, "HighErrorRatio",
        new Dictionary<string, string> { ["alertname"] = "HighErrorRatio", ["service"] = "storefront-api", ["severity"] = "page" },
        new Dictionary<string, string> { ["summary"] = "errors above 5%" },
        state, at.AddSeconds(-30), state == AlertState.Firing ? at : null, null, 0.12, at, at.AddSeconds(-45));

    [Fact]
    public async Task Alert_states_and_groups_are_replaced_by_key_and_deleted()
    {
        await using var store = await OpenAsync();
        var alerting = store.Alerting;

        await alerting.SaveAlertsAsync([Alert("a1", AlertState.Pending, T0), Alert("b2", AlertState.Firing, T0)], [], None);
        var acknowledged = Alert("a1", AlertState.Firing, T0.AddSeconds(5)) with { AcknowledgedBy = "oncall", AcknowledgedAt = T0.AddSeconds(6) };
        await alerting.SaveAlertsAsync([acknowledged], ["b2"], None);

        var alert = Assert.Single(await alerting.GetAlertsAsync(None));
        Assert.False(await alerting.AcknowledgeAsync("a1", "late", T0.AddSeconds(7), None));
        Assert.Equal((AlertState.Firing, T0.AddSeconds(5), "oncall", T0.AddSeconds(-40)), (alert.State, alert.FiringSince!.Value, alert.AcknowledgedBy, alert.ImpactStart!.Value));
        Assert.Equal(acknowledged.Labels.OrderBy(l => l.Key), alert.Labels.OrderBy(l => l.Key));
        Assert.Equal("errors above 5%", alert.Annotations["summary"]);

        // An acknowledgement made between the evaluator's read and its write survives within the episode, not beyond.
        var firing = Alert("c3", AlertState.Firing, T0);
        await alerting.SaveAlertsAsync([firing], [], None);
        Assert.True(await alerting.AcknowledgeAsync("c3", "oncall", T0.AddSeconds(1), None));
        await alerting.SaveAlertsAsync([firing with { Value = 0.2 }], [], None);
        Assert.Equal("oncall", (await alerting.GetAlertsAsync(None)).Single(a => a.Fingerprint == "c3").AcknowledgedBy);
        await alerting.SaveAlertsAsync([firing with { FiringSince = T0.AddMinutes(30) }], [], None);
        Assert.Null((await alerting.GetAlertsAsync(None)).Single(a => a.Fingerprint == "c3").AcknowledgedBy);

        await alerting.SaveGroupsAsync([new AlertGroupRecord("oncall", "{}:{service=\"a\"}", "{\"v\":1}", T0), new AlertGroupRecord("oncall", "{}:{service=\"b\"}", "{}", T0)], [], None);
        await alerting.SaveGroupsAsync([new AlertGroupRecord("oncall", "{}:{service=\"a\"}", "{\"v\":2}", T0.AddSeconds(1))], [("oncall", "{}:{service=\"b\"}")], None);
        Assert.Equal([new AlertGroupRecord("oncall", "{}:{service=\"a\"}", "{\"v\":2}", T0.AddSeconds(1))], await alerting.GetGroupsAsync(None));
    }

    [Fact]
    public async Task Silences_are_listed_until_they_end_and_can_be_expired_once()
    {
        await using var store = await OpenAsync();
        var alerting = store.Alerting;
        var silence = new Silence("s1", [new LabelMatcher("service", "storefront-api"), new LabelMatcher("severity", "page|ticket", IsRegex: true)],
            T0, T0.AddHours(2), "sre", "deploying", T0);
        await alerting.AddSilenceAsync(silence, None);

        var stored = Assert.Single(await alerting.GetSilencesAsync(T0.AddHours(1), None));
        Assert.Equal(silence.Matchers, stored.Matchers);
        Assert.Equal(silence with { Matchers = stored.Matchers }, stored);

        Assert.True(await alerting.ExpireSilenceAsync("s1", T0.AddMinutes(10), None));
        Assert.False(await alerting.ExpireSilenceAsync("s1", T0.AddMinutes(20), None));
        Assert.False(await alerting.ExpireSilenceAsync("nope", T0, None));
        Assert.Empty(await alerting.GetSilencesAsync(T0.AddMinutes(11), None));
        Assert.Equal(T0.AddMinutes(10), Assert.Single(await alerting.GetSilencesAsync(T0, None)).EndsAt);
    }

    [Fact]
    public async Task A_notification_is_enqueued_once_per_key_and_its_attempts_are_kept()
    {
        await using var store = await OpenAsync();
        var alerting = store.Alerting;
        var notification = new Notification("n1", "oncall", "{}:{}", "key-1", "firing", "{\"version\":\"4\"}", NotificationStatus.Pending, 0, T0, T0, null, null);

        Assert.Single(await alerting.EnqueueAsync([notification], None));
        Assert.Empty(await alerting.EnqueueAsync([notification with { Id = "n2" }], None));
        Assert.Equal(["n1"], (await alerting.GetDueAsync(T0, 10, None)).Select(n => n.Id));
        Assert.Empty(await alerting.GetDueAsync(T0.AddTicks(-1), 10, None));

        await alerting.RecordAttemptAsync(new DeliveryAttempt("n1", 1, T0.AddSeconds(1), 503, 12.5, "HTTP 503"), NotificationStatus.Pending, T0.AddSeconds(3), None);
        Assert.Empty(await alerting.GetDueAsync(T0.AddSeconds(2), 10, None));
        await alerting.RecordAttemptAsync(new DeliveryAttempt("n1", 2, T0.AddSeconds(3), 200, 8, null), NotificationStatus.Delivered, null, None);

        var delivered = await alerting.GetNotificationAsync("n1", None);
        Assert.Equal((NotificationStatus.Delivered, 2, T0.AddSeconds(3), (string?)null), (delivered!.Delivery, delivered.Attempts, delivered.DeliveredAt!.Value, delivered.LastError));
        Assert.Empty(await alerting.GetDueAsync(T0.AddHours(1), 10, None));
        Assert.Equal([(1, (int?)503, "HTTP 503"), (2, 200, null)], (await alerting.GetAttemptsAsync("n1", None)).Select(a => (a.Attempt, a.StatusCode, a.Error)));
        Assert.Equal(["n1"], (await alerting.GetNotificationsAsync("oncall", 10, None)).Select(n => n.Id));
        Assert.Empty(await alerting.GetNotificationsAsync("other", 10, None));
        Assert.Single(await alerting.GetNotificationsAsync(null, 10, None));
    }

    [Fact]
    public async Task Incidents_keep_their_timeline_and_an_audit_log_in_order()
    {
        await using var store = await OpenAsync();
        var alerting = store.Alerting;
        var incident = new Incident("i1", "storefront-api", "HighErrorRatio", "page", T0, T0.AddSeconds(40), null, null, null, null, "alerting", ["a1"]);
        await alerting.AddIncidentAsync(incident, new IncidentEvent("i1", T0.AddSeconds(40), "opened", null, null, null, "alerting", "HighErrorRatio fired"), None);
        await alerting.AddIncidentAsync(incident with { Id = "i0", Service = "auth", DetectedAt = T0.AddHours(-2), ResolvedAt = T0.AddHours(-1) },
            new IncidentEvent("i0", T0.AddHours(-2), "opened", null, null, null, "sre", "by hand"), None);

        var resolved = incident with { ResolvedAt = T0.AddMinutes(10), ImpactStart = T0.AddSeconds(-20) };
        await alerting.UpdateIncidentAsync(resolved, [
            new IncidentEvent("i1", T0.AddMinutes(10), "step", IncidentSteps.Resolved, null, T0.AddMinutes(10), "oncall", ""),
            new IncidentEvent("i1", T0.AddMinutes(11), "correction", IncidentSteps.ImpactStart, T0, T0.AddSeconds(-20), "sre", "fault began earlier"),
        ], None);

        var read = await alerting.GetIncidentAsync("i1", None);
        Assert.Equal(["a1"], read!.AlertFingerprints);
        Assert.Equal(resolved with { AlertFingerprints = read.AlertFingerprints }, read);
        Assert.Equal(["opened", "step", "correction"], (await alerting.GetIncidentEventsAsync("i1", None)).Select(e => e.Kind));
        Assert.Equal(T0, (await alerting.GetIncidentEventsAsync("i1", None))[2].OldValue);
        Assert.Equal(["i1", "i0"], (await alerting.GetIncidentsAsync(null, null, openOnly: false, 10, None)).Select(i => i.Id));
        Assert.Empty(await alerting.GetIncidentsAsync(null, null, openOnly: true, 10, None));
        Assert.Equal([new Observability.Core.Kpis.IncidentTimes("i1", T0.AddSeconds(-20), T0.AddSeconds(40), T0.AddMinutes(10))],
            await alerting.DetectedBetweenAsync(T0, T0.AddHours(1), None));
    }
}

public sealed class SqliteAlertingStoreTests : AlertingStoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-alerting-").FullName;

    protected override Task<ITelemetryStore> OpenAsync() => TestStores.SqliteAsync(_folder, "alerting.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresAlertingStoreTests(PostgresServer server) : AlertingStoreContract, IClassFixture<PostgresServer>
{
    protected override Task<ITelemetryStore> OpenAsync() => TestStores.PostgresAsync(server, "alerting_");
}
