using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Core.Security;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// Firing, pending and recently resolved alerts with their labels and annotations; acknowledge and silence (on-call,
/// SREs, admins); the active silences; every rule with its state. Re-read on a timer while open.
/// </summary>
public sealed partial class Alerts : IAsyncDisposable
{
    private static readonly AlertState[] ShownStates = [AlertState.Firing, AlertState.Pending, AlertState.Resolved];

    private RefreshLoop? _loop;

    [Inject]
    public required IOnCallSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILogger<Alerts> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    [Inject]
    public required AuthenticationStateProvider Authentication { get; set; }

    [Inject]
    public required IAuthorizationService Authorization { get; set; }

    private AlertsSnapshot? Snapshot { get; set; }

    private string? Error { get; set; }

    private AlertState Filter { get; set; } = AlertState.Firing;

    private ClaimsPrincipal User { get; set; } = new();

    private bool CanRespond { get; set; }

    private AlertInstance? SilencingFrom { get; set; }

    private string? SilenceRefusal { get; set; }

    private string? Notice { get; set; }

    private bool NoticeIsError { get; set; }

    private TimeSpan RefreshPeriod => TimeSpan.FromMilliseconds(Math.Max(Overview.MinimumRefreshMilliseconds, Options.Value.RefreshMilliseconds));

    private string RefreshSeconds => RefreshPeriod.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    private List<AlertInstance> Shown => Snapshot?.Alerts.Where(a => a.State == Filter).ToList() ?? [];

    private string NoAlertsText => Filter switch
    {
        AlertState.Firing => "No alert is firing.",
        AlertState.Pending => "No alert is pending.",
        _ => "No alert resolved recently.",
    };

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
            Snapshot = await Source.ReadAlertsAsync(cancellationToken);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last alerts on screen and say why they are not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the alerts failed");
            Error = $"The alerts could not be read ({error.Message}); showing the last ones read.";
        }
    }

    private int Count(AlertState state) => Snapshot?.Alerts.Count(a => a.State == state) ?? 0;

    private static string Capitalized(AlertState state) => state.ToString();

    private async Task AcknowledgeAsync(AlertInstance alert)
    {
        var outcome = await Source.AcknowledgeAsync(User, alert.Fingerprint, _loop!.Closed);
        Say(outcome.Refusal is { } refusal
            ? $"Not acknowledged: {refusal.Message}."
            : $"{alert.RuleName} acknowledged by {outcome.Value!.AcknowledgedBy}.", outcome.Refusal is not null);
        await ReadAsync(_loop.Closed);
    }

    private void StartSilence(AlertInstance alert)
    {
        SilencingFrom = alert;
        SilenceRefusal = null;
    }

    private async Task CreateSilenceAsync(SilenceDraft draft)
    {
        var outcome = await Source.AddSilenceAsync(User, draft, _loop!.Closed);
        if (outcome.Refusal is { } refusal)
        {
            SilenceRefusal = refusal.Message;
            return;
        }
        SilencingFrom = null;
        Say($"Silence {outcome.Value!.Id} created until {OnCallText.Time(outcome.Value.EndsAt)}.", isError: false);
        await ReadAsync(_loop.Closed);
    }

    private async Task ExpireAsync(Silence silence)
    {
        var outcome = await Source.ExpireSilenceAsync(User, silence.Id, _loop!.Closed);
        Say(outcome.Refusal is { } refusal ? $"Not expired: {refusal.Message}." : $"Silence {silence.Id} expired.", outcome.Refusal is not null);
        await ReadAsync(_loop.Closed);
    }

    private void Say(string notice, bool isError)
    {
        Notice = notice;
        NoticeIsError = isError;
    }

    private static string MatchersText(Silence silence) => string.Join(", ", silence.Matchers.Select(m =>
        $"{m.Name}{(m.IsEqual ? (m.IsRegex ? "=~" : "=") : (m.IsRegex ? "!~" : "!="))}{m.Value}"));

    private static string LabelsText(IReadOnlyDictionary<string, string> labels) =>
        labels.Count == 0 ? "none" : string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    private static string RuleStateText(AlertRuleStatus status)
    {
        var state = status.Firing > 0 ? $"{status.Firing} firing" + (status.Pending > 0 ? $", {status.Pending} pending" : "")
            : status.Pending > 0 ? $"{status.Pending} pending"
            : "inactive";
        return status.LastEvaluation switch
        {
            null => $"{state}; not evaluated yet",
            { Error: { } error } => $"{state}; last evaluation failed: {error}",
            { } evaluation => $"{state}; evaluated at {evaluation.EvaluatedAt.UtcDateTime:HH:mm:ss} UTC over {evaluation.Series} series" +
                (evaluation.NoDataSeries > 0 ? $" ({evaluation.NoDataSeries} without data)" : ""),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }
}
