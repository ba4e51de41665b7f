using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Core.Alerting;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Overview;

namespace Observability.Dashboard.Components.Pages;

/// <summary>The current phase's targets, firing alerts, open incidents and the edge service's figures now; re-read on a timer while open.</summary>
public sealed partial class Overview : IAsyncDisposable
{
    /// <summary>The page never reads more often than this, whatever is configured.</summary>
    public const int MinimumRefreshMilliseconds = 2000;

    private readonly CancellationTokenSource _closed = new();
    private PeriodicTimer? _timer;
    private Task? _refreshing;

    [Inject]
    public required IOverviewSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILogger<Overview> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private OverviewSnapshot? Snapshot { get; set; }

    private string? Error { get; set; }

    private int RefreshMilliseconds => Math.Max(MinimumRefreshMilliseconds, Options.Value.RefreshMilliseconds);

    private string RefreshSeconds => (RefreshMilliseconds / 1000.0).ToString("0.#", CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        await ReadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page (after render, with a circuit) refreshes; the prerendered HTML is read once.
        if (firstRender && _timer is null)
        {
            _timer = new PeriodicTimer(TimeSpan.FromMilliseconds(RefreshMilliseconds), Time);
            _refreshing = RefreshAsync(_timer);
        }
    }

    private async Task RefreshAsync(PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(_closed.Token))
            {
                await ReadAsync();
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            Snapshot = await Source.ReadAsync(_closed.Token);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last figures on screen and say why they are not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the overview failed");
            Error = $"The latest figures could not be read ({error.Message}); showing the last ones read.";
        }
    }

    private IReadOnlyList<(DateTimeOffset At, double? Value)> SamplesOf(Core.Roadmap.TargetVerdict target) =>
        Snapshot!.LastHour.TryGetValue(target.Target.Metric, out var samples) ? samples : [];

    private static string AlertText(AlertInstance alert)
    {
        var summary = alert.Annotations.TryGetValue("summary", out var text) ? text : alert.RuleName;
        var since = alert.FiringSince is { } at ? $", firing since {at.UtcDateTime:HH:mm:ss} UTC" : "";
        var acknowledged = alert.AcknowledgedBy is { } by ? $", acknowledged by {by}" : "";
        return $"{alert.RuleName}: {summary}{since}{acknowledged}";
    }

    private static string IncidentText(Incident incident) =>
        $"{incident.Title} ({incident.Service}, {incident.Severity}), detected {incident.DetectedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC" +
        (incident.AcknowledgedAt is null ? ", not acknowledged" : ", acknowledged");

    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync();
        _timer?.Dispose();
        if (_refreshing is not null)
        {
            await _refreshing;
        }
        _closed.Dispose();
    }
}
