using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Core.Alerting;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.Pages;

/// <summary>Incidents, open first, with how long each took to detect, acknowledge and resolve, and MTTD / MTTA / MTTR over them; re-read on a timer.</summary>
public sealed partial class Incidents : IAsyncDisposable
{
    private RefreshLoop? _loop;

    [Inject]
    public required IOnCallSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILogger<Incidents> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private IncidentsSnapshot? Snapshot { get; set; }

    private string? Error { get; set; }

    private TimeSpan RefreshPeriod => TimeSpan.FromMilliseconds(Math.Max(Overview.MinimumRefreshMilliseconds, Options.Value.RefreshMilliseconds));

    private string RefreshSeconds => RefreshPeriod.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        _loop = new RefreshLoop(Time, RefreshPeriod, RefreshAsync);
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
            Snapshot = await Source.ReadIncidentsAsync(cancellationToken);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last list on screen and say why it is not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the incidents failed");
            Error = $"The incidents could not be read ({error.Message}); showing the last ones read.";
        }
    }

    private static string AcknowledgeText(Incident incident) => incident.AcknowledgedAt is { } acknowledged
        ? OnCallText.Duration(acknowledged - (incident.NotifiedAt ?? incident.DetectedAt))
        : "not acknowledged";

    private string ResolveText(Incident incident) => incident.ResolvedAt is { } resolved
        ? OnCallText.Duration(resolved - incident.DetectedAt)
        : $"open for {OnCallText.Duration(Snapshot!.ReadAt - incident.DetectedAt)}";

    public async ValueTask DisposeAsync()
    {
        if (_loop is not null)
        {
            await _loop.DisposeAsync();
        }
    }
}
