using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Core.Alerting;
using Observability.Dashboard.Components.Shared;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Overview;

namespace Observability.Dashboard.Components.Pages;

/// <summary>The current phase's targets, firing alerts, open incidents and the edge service's figures now; re-read on a timer while open.</summary>
public sealed partial class Overview : IAsyncDisposable
{
    private readonly PageRefresher _refresher = new();

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

    private string RefreshSeconds => PageRefresher.Period(Options.Value).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        await ReadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page (after render, with a circuit) refreshes; the prerendered HTML is read once.
        if (firstRender)
        {
            _refresher.Start(PageRefresher.Period(Options.Value), Time, async () =>
            {
                await ReadAsync();
                await InvokeAsync(StateHasChanged);
            });
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            Snapshot = await Source.ReadAsync(_refresher.Closed);
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

    public ValueTask DisposeAsync() => _refresher.DisposeAsync();
}
