using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Observability.Core.Alerting;
using Observability.Core.Security;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.Pages;

/// <summary>One incident: its timeline with who and when, its audit log, its alerts; correct a timestamp or resolve it (on-call, SREs, admins).</summary>
public sealed partial class IncidentDetail : IAsyncDisposable
{
    private RefreshLoop? _loop;

    [Parameter]
    public required string Id { get; set; }

    [Inject]
    public required IOnCallSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILogger<IncidentDetail> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    [Inject]
    public required AuthenticationStateProvider Authentication { get; set; }

    [Inject]
    public required IAuthorizationService Authorization { get; set; }

    private IncidentSnapshot? Detail { get; set; }

    private bool Missing { get; set; }

    private string? Error { get; set; }

    private ClaimsPrincipal User { get; set; } = new();

    private bool CanRespond { get; set; }

    private string? CorrectionRefusal { get; set; }

    private string? Notice { get; set; }

    private bool NoticeIsError { get; set; }

    private TimeSpan RefreshPeriod => TimeSpan.FromMilliseconds(Math.Max(Overview.MinimumRefreshMilliseconds, Options.Value.RefreshMilliseconds));

    private string RefreshSeconds => RefreshPeriod.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        _loop = new RefreshLoop(Time, RefreshPeriod, RefreshAsync);
        User = (await Authentication.GetAuthenticationStateAsync()).User;
        CanRespond = (await Authorization.AuthorizeAsync(User, KnownPolicies.Respond)).Succeeded;
        await ReadAsync(_loop.Closed);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page (after render, with a circuit) refreshes; the prerendered HTML is read once.
        if (firstRender)
        {
            _loop?.Start();
        }
    }

    private Task RefreshAsync(CancellationToken cancellationToken) => InvokeAsync(async () =>
    {
        await ReadAsync(cancellationToken);
        StateHasChanged();
    });

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            Detail = await Source.ReadIncidentAsync(Id, cancellationToken);
            Missing = Detail is null;
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last timeline on screen and say why it is not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading incident {Id} failed", Id);
            Error = $"The incident could not be read ({error.Message}); showing what was read last.";
        }
    }

    private async Task CorrectAsync(StepCorrection correction)
    {
        var outcome = await Source.RecordStepAsync(User, Id, correction.Step, correction.At, correction.Reason, _loop!.Closed);
        CorrectionRefusal = outcome.Refusal?.Message;
        if (outcome.Refusal is null)
        {
            Say($"{OnCallText.Step(correction.Step)} corrected to {OnCallText.Time(correction.At)}.", isError: false);
        }
        await ReadAsync(_loop.Closed);
    }

    private async Task ResolveAsync()
    {
        var outcome = await Source.RecordStepAsync(User, Id, IncidentSteps.Resolved, null, "resolved in the dashboard", _loop!.Closed);
        Say(outcome.Refusal is { } refusal ? $"Not resolved: {refusal.Message}." : "Incident resolved.", outcome.Refusal is not null);
        await ReadAsync(_loop.Closed);
    }

    private void Say(string notice, bool isError)
    {
        Notice = notice;
        NoticeIsError = isError;
    }

    private string DurationsText(Incident incident)
    {
        var detect = $"detected {OnCallText.Duration(incident.DetectedAt - incident.ImpactStart)} after impact";
        var acknowledge = incident.AcknowledgedAt is { } acknowledged
            ? $"acknowledged {OnCallText.Duration(acknowledged - (incident.NotifiedAt ?? incident.DetectedAt))} after {(incident.NotifiedAt is null ? "detection" : "notification")}"
            : "not acknowledged";
        var resolve = incident.ResolvedAt is { } resolved
            ? $"resolved {OnCallText.Duration(resolved - incident.DetectedAt)} after detection"
            : $"open for {OnCallText.Duration(Detail!.ReadAt - incident.DetectedAt)}";
        return $"{detect}; {acknowledge}; {resolve}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }
}
