using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Security;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Tests.OnCall;

/// <summary>
/// The responses the on-call pages make, against a real SQLite store and the API's own services: recorded as the user,
/// and refused on the server for a role that may not respond, whatever the page shows.
/// </summary>
public sealed class OnCallResponderTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "observability-oncall-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new(OnCallData.Now);
    private ServiceProvider _services = null!;
    private ITelemetryStore _store = null!;
    private IncidentService _incidents = null!;
    private OnCallResponder _responder = null!;

    private sealed class NoGroundTruth : IFaultGroundTruth
    {
        public Task<DateTimeOffset?> FaultStartAsync(string service, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            Task.FromResult<DateTimeOffset?>(null);
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(_folder, "test.db") }, NullLogger<SqliteTelemetryStore>.Instance);
        await _store.InitializeAsync(CancellationToken.None);
        // The policies as the Collector registers them: each lists the roles allowed.
        _services = new ServiceCollection().AddLogging().AddAuthorization(options =>
        {
            foreach (var (policy, roles) in KnownPolicies.Roles)
            {
                options.AddPolicy(policy, rule => rule.RequireRole(roles));
            }
        }).BuildServiceProvider();
        _incidents = new IncidentService(_store.Alerting, new NoGroundTruth(), _time);
        _responder = new OnCallResponder(new AlertResponses(_store.Alerting, _incidents, _time), _incidents, _services.GetRequiredService<IAuthorizationService>());
        await _store.Alerting.SaveAlertsAsync([OnCallData.Firing], [], CancellationToken.None);
        await _incidents.ReconcileAsync([OnCallData.Firing], CancellationToken.None);
    }

    private static ClaimsPrincipal User(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "test"));

    private async Task<Incident> IncidentAsync() =>
        Assert.Single(await _store.Alerting.GetIncidentsAsync(null, null, openOnly: false, 10, CancellationToken.None));

    [Fact]
    public async Task On_call_acknowledges_as_themselves_and_the_incident_holding_the_alert_is_acknowledged_too()
    {
        var outcome = await _responder.AcknowledgeAsync(User("oncall-ann", KnownRoles.OnCall), OnCallData.Firing.Fingerprint, CancellationToken.None);

        Assert.Null(outcome.Refusal);
        var stored = Assert.Single(await _store.Alerting.GetAlertsAsync(CancellationToken.None));
        Assert.Equal(("oncall-ann", OnCallData.Now), (stored.AcknowledgedBy, stored.AcknowledgedAt));
        var incident = await IncidentAsync();
        Assert.Equal(OnCallData.Now, incident.AcknowledgedAt);
        var events = await _store.Alerting.GetIncidentEventsAsync(incident.Id, CancellationToken.None);
        Assert.Contains(events, e => e.Step == IncidentSteps.Acknowledged && e.Author == "oncall-ann");
    }

    [Fact]
    public async Task A_role_that_may_not_respond_is_refused_on_the_server_and_nothing_changes()
    {
        var executive = User("exec-eve", KnownRoles.Executive);
        var incident = await IncidentAsync();

        var acknowledge = await _responder.AcknowledgeAsync(executive, OnCallData.Firing.Fingerprint, CancellationToken.None);
        var silence = await _responder.AddSilenceAsync(executive,
            new SilenceDraft([new LabelMatcher("service", "storefront-api")], null, OnCallData.Now.AddHours(1), "quiet"), CancellationToken.None);
        var step = await _responder.RecordStepAsync(executive, incident.Id, IncidentSteps.Resolved, null, "done", CancellationToken.None);

        Assert.All([acknowledge.Refusal, silence.Refusal, step.Refusal], refusal =>
        {
            Assert.Equal(RefusalKind.Forbidden, refusal!.Kind);
            Assert.Equal("user 'exec-eve' may not respond to alerts or incidents: that needs the OnCall, SRE, Admin role", refusal.Message);
        });
        Assert.Null(Assert.Single(await _store.Alerting.GetAlertsAsync(CancellationToken.None)).AcknowledgedBy);
        Assert.Empty(await _store.Alerting.GetSilencesAsync(OnCallData.Now, CancellationToken.None));
        Assert.True((await IncidentAsync()).IsOpen);
    }

    [Fact]
    public async Task A_silence_is_stored_with_the_user_as_creator_and_a_bad_one_is_refused_naming_the_field()
    {
        var sre = User("sre-bob", KnownRoles.Sre);

        var refused = await _responder.AddSilenceAsync(sre, new SilenceDraft([new LabelMatcher("service", "storefront-api")], null, OnCallData.Now.AddHours(1), ""), CancellationToken.None);
        var created = await _responder.AddSilenceAsync(sre, new SilenceDraft([new LabelMatcher("service", "storefront-api")], null, OnCallData.Now.AddHours(1), "deploying"), CancellationToken.None);

        Assert.Equal("comment is required: say why the alerts are silenced", refused.Refusal!.Message);
        var stored = Assert.Single(await _store.Alerting.GetSilencesAsync(OnCallData.Now, CancellationToken.None));
        Assert.Equal((created.Value!.Id, "sre-bob", "deploying"), (stored.Id, stored.CreatedBy, stored.Comment));
        Assert.Equal(created.Value.Id, (await _responder.ExpireSilenceAsync(sre, stored.Id, CancellationToken.None)).Value);
        Assert.Equal("no active or pending silence 'sil-none'", (await _responder.ExpireSilenceAsync(sre, "sil-none", CancellationToken.None)).Refusal!.Message);
    }

    [Fact]
    public async Task A_correction_keeps_the_old_time_and_one_out_of_order_is_refused_with_the_reason()
    {
        var onCall = User("oncall-ann", KnownRoles.OnCall);
        var incident = await IncidentAsync();

        var corrected = await _responder.RecordStepAsync(onCall, incident.Id, IncidentSteps.ImpactStart, incident.ImpactStart.AddSeconds(-30), "errors began earlier", CancellationToken.None);
        var outOfOrder = await _responder.RecordStepAsync(onCall, incident.Id, IncidentSteps.Detected, incident.ImpactStart.AddMinutes(-5), "typo", CancellationToken.None);

        Assert.Null(corrected.Refusal);
        var correction = Assert.Single(await _store.Alerting.GetIncidentEventsAsync(incident.Id, CancellationToken.None), e => e.Kind == "correction");
        Assert.Equal((IncidentSteps.ImpactStart, incident.ImpactStart, incident.ImpactStart.AddSeconds(-30), "oncall-ann", "errors began earlier"),
            (correction.Step, correction.OldValue, correction.NewValue, correction.Author, correction.Note));
        Assert.Equal(RefusalKind.Invalid, outOfOrder.Refusal!.Kind);
        Assert.StartsWith("detected (", outOfOrder.Refusal.Message);
        Assert.Contains("would be before impact_start", outOfOrder.Refusal.Message);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
