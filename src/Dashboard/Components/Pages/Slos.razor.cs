using Observability.Dashboard.Components.Shared;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Observability.Core.Alerting.Rules;
using Observability.Dashboard.Hosting;
using Observability.Dashboard.Reports;

namespace Observability.Dashboard.Components.Pages;

/// <summary>Every SLO: objective, SLI now, error budget left (as a share, minutes and requests), burn rates and the burn-down; live.</summary>
public sealed partial class Slos : IAsyncDisposable
{
    private readonly PageRefresher _refresher = new();

    [Inject]
    public required ISloSource Source { get; set; }

    [Inject]
    public required IOptions<DashboardOptions> Options { get; set; }

    [Inject]
    public required ILogger<Slos> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private SloReport? Report { get; set; }

    private string? Error { get; set; }

    private TimeSpan RefreshPeriod => PageRefresher.Period(Options.Value);

    protected override async Task OnInitializedAsync()
    {
        await ReadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page (after render, with a circuit) refreshes; the prerendered HTML is read once.
        if (firstRender)
        {
            _refresher.Start(RefreshPeriod, Time, () => InvokeAsync(async () =>
            {
                await ReadAsync();
                StateHasChanged();
            }));
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            Report = await Source.ReadAsync(_refresher.Closed);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last figures on screen and say why they are not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the SLOs failed");
            Error = $"The SLOs could not be read ({error.Message}); showing the last figures read.";
        }
    }

    private string ReadAtText => string.Create(CultureInfo.InvariantCulture,
        $"Read at {Report!.ReadAt.UtcDateTime:HH:mm:ss} UTC; refreshes every {RefreshPeriod.TotalSeconds:0.#} s while open. The Collector evaluates each SLO every 15 s.");

    private string NoSlosText => Report!.RulesPath is null
        ? "No SLO is defined, so there is nothing to show: SLOs are read from the slos: list of the alerts file named by the setting Alerting:RulesPath, and none is set (see docs/alerting-rules.md)."
        : $"No SLO is defined in {Report.RulesPath}: add a slos: list to it (see docs/alerting-rules.md).";

    private static string AlertWindow(TimeSpan window) => AlertDurations.Format(window);

    private static string BurnDownTitle(SloStatus status) =>
        $"Error budget remaining since {ReportText.Time(status.WindowFrom)} ({status.Slo.TimeWindow.Describe()})";

    private static string BurnDownNoData(SloStatus status) =>
        $"No evaluation of the budget stored since {ReportText.Time(status.WindowFrom)}: " +
        (status.BudgetRemaining?.NoDataReason ?? status.Counts?.NoDataReason ?? "the Collector's KPI job has not evaluated this SLO yet.");

    public async ValueTask DisposeAsync() => await _refresher.DisposeAsync();
}
