using Observability.Dashboard.Components.Shared;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Core.Sla;
using Observability.Dashboard.Reports;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// The monthly SLA report for executives: a month picker, uptime against the objective, traffic, incidents with MTTD and
/// MTTR, cost, and phase progress; printable on A4 and downloadable as CSV. The month in progress is re-read while open.
/// </summary>
public sealed partial class Sla : IAsyncDisposable
{
    /// <summary>The API recomputes a month-to-date report at most this often; reading sooner shows the same figures.</summary>
    public static readonly TimeSpan RefreshPeriod = SlaCalculator.ReportFreshness;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private readonly PageRefresher _refresher = new();

    [Inject]
    public required ISlaSource Source { get; set; }

    [Inject]
    public required ILogger<Sla> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    private IReadOnlyList<string> Months { get; set; } = [];

    /// <summary>The month shown, "yyyy-MM"; the newest by default.</summary>
    private string? Month { get; set; }

    private SlaReport? Report { get; set; }

    private string? Error { get; set; }

    private string CsvHref => $"/api/sla/{Month}?format=csv";

    private string CsvFileName => $"sla-{Month}.csv";

    protected override async Task OnInitializedAsync()
    {
        try
        {
            Months = await Source.MonthsAsync(_refresher.Closed);
            Month = Months.FirstOrDefault();
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Logger.LogWarning(error, "Reading the SLA months failed");
            Error = $"The months with a report could not be read ({error.Message}).";
            return;
        }
        await ReadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Only an interactive page (after render, with a circuit) refreshes; the prerendered HTML is read once.
        if (firstRender)
        {
            _refresher.Start(RefreshPeriod, Time, () => InvokeAsync(async () =>
            {
                // A final month does not change; the month in progress does.
                if (Report is { Final: false })
                {
                    await ReadAsync();
                    StateHasChanged();
                }
            }));
        }
    }

    private async Task SelectMonthAsync(string month)
    {
        Month = month;
        Report = null;
        await ReadAsync();
    }

    private async Task ReadAsync()
    {
        if (Month is null)
        {
            return;
        }
        try
        {
            Report = await Source.ReadAsync(Month, _refresher.Closed);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last report on screen and say why it is not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the SLA report of {Month} failed", Month);
            Error = $"The report of {ReportText.MonthName(Month)} could not be read ({error.Message})" + (Report is null ? "." : "; showing the last one read.");
        }
    }

    private string PeriodText => Report!.Final
        ? $"{ReportText.MonthName(Report.Month)} (final)"
        : $"{ReportText.MonthName(Report.Month)} so far, to {ReportText.Time(Report.To)}";

    private string ComputedText => $"Computed {ReportText.Time(Report!.ComputedAt)} from the stored telemetry" +
        (Report.Final ? "." : "; re-read every minute while open.");

    private string NoIncidentsWords => Report!.Final ? "no incidents this month" : "no incidents this month so far";

    private string IncidentsText => Report!.Incidents.Count switch
    {
        0 => $"No incidents: {Report.IncidentsNoData}.",
        1 => "1 incident.",
        var count => $"{count} incidents.",
    };

    private static string VerdictWords(string verdict) => verdict switch
    {
        "met" => "met: every target",
        "missed" => "missed: a target was missed",
        _ => "no data for some targets",
    };

    public async ValueTask DisposeAsync() => await _refresher.DisposeAsync();
}
