using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;

namespace Observability.Core.Tests.Alerting.Incidents;

/// <summary>Incidents opened, joined and resolved by alerts, and edited by people, on a real SQLite store.</summary>
public sealed class IncidentServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _folder = Directory.CreateTempSubdirectory("obs-incidents-").FullName;
    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeGroundTruth _groundTruth = new();
    private SqliteTelemetryStore _store = null!;
    private IncidentService _service = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "incidents.db") }, NullLogger<SqliteTelemetryStore>.Instance);
        await _store.InitializeAsync(None);
        _service = new IncidentService(_store.Alerting, _groundTruth, _time);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed class FakeGroundTruth : IFaultGroundTruth
    {
        public Dictionary<string, DateTimeOffset> Starts { get; } = [];

        public Task<DateTimeOffset?> FaultStartAsync(string service, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            Task.FromResult(Starts.TryGetValue(service, out var start) && start >= from && start <= to ? start : (DateTimeOffset?)null);
    }

    private static AlertInstance Alert(string fingerprint, string service, AlertState state, DateTimeOffset firingSince, string severity = "page", DateTimeOffset? resolvedAt = null) => new(
        fingerprint, "HighErrorRatio",
        new Dictionary<string, string> { ["alertname"] = "HighErrorRatio", ["service"] = service, ["severity"] = severity },
        new Dictionary<string, string> { ["summary"] = $"{service} errors above 5%" },
        state, firingSince.AddSeconds(-10), firingSince, resolvedAt, 0.2, firingSince, ImpactStart: firingSince.AddSeconds(-12));

    [Fact]
    public async Task A_page_alert_opens_one_incident_per_service_that_resolves_when_its_alerts_do()
    {
        _time.SetUtcNow(T0.AddSeconds(20));
        var changed = await _service.ReconcileAsync([
            Alert("a1", "storefront-api", AlertState.Firing, T0),
            Alert("a2", "storefront-api", AlertState.Firing, T0.AddSeconds(5)),
            Alert("t1", "auth-service", AlertState.Firing, T0, severity: "ticket"),
        ], None);

        var incident = Assert.Single(changed);
        Assert.Equal(("storefront-api", "storefront-api errors above 5%", T0, T0.AddSeconds(-12)), (incident.Service, incident.Title, incident.DetectedAt, incident.ImpactStart));
        Assert.Equal(["a1", "a2"], incident.AlertFingerprints);
        // Evaluated again with nothing new: nothing changes, no second incident.
        Assert.Empty(await _service.ReconcileAsync([Alert("a1", "storefront-api", AlertState.Firing, T0), Alert("a2", "storefront-api", AlertState.Firing, T0.AddSeconds(5))], None));

        _time.SetUtcNow(T0.AddMinutes(3));
        var resolved = Assert.Single(await _service.ReconcileAsync([
            Alert("a1", "storefront-api", AlertState.Resolved, T0, resolvedAt: T0.AddMinutes(2)),
            Alert("a2", "storefront-api", AlertState.Resolved, T0.AddSeconds(5), resolvedAt: T0.AddMinutes(2).AddSeconds(30)),
        ], None));
        Assert.Equal(T0.AddMinutes(2).AddSeconds(30), resolved.ResolvedAt);
        Assert.Equal(["opened", "alert", "step"], (await _store.Alerting.GetIncidentEventsAsync(incident.Id, None)).Select(e => e.Kind));

        var statistics = IncidentStatistics.Of(await _store.Alerting.GetIncidentsAsync(null, null, false, 10, None));
        Assert.Equal(TimeSpan.FromSeconds(12), statistics.Mttd!.Mean);
        Assert.Equal(TimeSpan.FromSeconds(150), statistics.Mttr!.Mean);
        Assert.Null(statistics.Mtta);
    }

    [Fact]
    public async Task Impact_start_is_the_faults_ground_truth_when_the_telemetry_has_one()
    {
        _groundTruth.Starts["storefront-api"] = T0.AddSeconds(-7);
        _time.SetUtcNow(T0.AddSeconds(1));
        var incident = Assert.Single(await _service.ReconcileAsync([Alert("a1", "storefront-api", AlertState.Firing, T0)], None));
        Assert.Equal(T0.AddSeconds(-7), incident.ImpactStart);
        Assert.Contains("ground truth", (await _store.Alerting.GetIncidentEventsAsync(incident.Id, None))[0].Note);
    }

    [Fact]
    public async Task Steps_are_recorded_and_corrected_in_order_with_an_audit_trail()
    {
        _time.SetUtcNow(T0.AddSeconds(1));
        var incident = Assert.Single(await _service.ReconcileAsync([Alert("a1", "storefront-api", AlertState.Firing, T0)], None));
        await _service.OnNotifiedAsync(["a1"], T0.AddSeconds(3), "oncall", None);
        _time.SetUtcNow(T0.AddMinutes(2));
        await _service.OnAcknowledgedAsync(["a1"], T0.AddMinutes(1), "alice", None);
        await _service.OnAcknowledgedAsync(["a1"], T0.AddMinutes(2), "bob", None);

        var corrected = await _service.RecordStepAsync(incident.Id, IncidentSteps.ImpactStart, T0.AddSeconds(-40), "sre", "the deploy began earlier", None);
        Assert.Equal((T0.AddSeconds(-40), T0.AddSeconds(3), T0.AddMinutes(1)), (corrected!.ImpactStart, corrected.NotifiedAt!.Value, corrected.AcknowledgedAt!.Value));

        var outOfOrder = await Assert.ThrowsAsync<IncidentException>(() => _service.RecordStepAsync(incident.Id, IncidentSteps.Mitigated, T0.AddSeconds(30), "sre", "", None));
        Assert.Equal("mitigated (2026-11-20T12:00:30.0000000+00:00) would be before acknowledged (2026-11-20T12:01:00.0000000+00:00)", outOfOrder.Message);
        Assert.Equal("step 'fixed' is not one of: impact_start, detected, notified, acknowledged, mitigated, resolved",
            (await Assert.ThrowsAsync<IncidentException>(() => _service.RecordStepAsync(incident.Id, "fixed", null, "sre", "", None))).Message);
        Assert.Null(await _service.RecordStepAsync("inc-nope", IncidentSteps.Resolved, null, "sre", "", None));

        var events = await _store.Alerting.GetIncidentEventsAsync(incident.Id, None);
        Assert.Equal([("opened", null, null), ("step", "notified", "alerting"), ("step", "acknowledged", "alice"), ("correction", "impact_start", "sre")],
            events.Select(e => (e.Kind, e.Step, e.Kind == "opened" ? null : e.Author)));
        Assert.Equal(T0.AddSeconds(-12), events[^1].OldValue);
    }
}
