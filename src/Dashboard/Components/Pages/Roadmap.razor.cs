using Observability.Dashboard.Components.Shared;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Dashboard.Reports;

namespace Observability.Dashboard.Components.Pages;

/// <summary>
/// Every phase's targets and the end state's, judged over a chosen window, with baselines and load-test evidence; a
/// target opens its KPI's chart with the target line. Short windows re-read on each KPI tick while open.
/// </summary>
public sealed partial class Roadmap : IAsyncDisposable
{
    /// <summary>The KPI job's tick: the verdicts cannot change sooner.</summary>
    public static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(15);

    /// <summary>Windows up to this long are re-read on the timer; a week or a month of samples is read once, when chosen.</summary>
    public static readonly TimeSpan LiveUpTo = TimeSpan.FromHours(1);

    /// <summary>The chart of "now" (the latest tick) shows the last hour.</summary>
    private static readonly TimeSpan NowChartLength = TimeSpan.FromHours(1);

    private readonly PageRefresher _refresher = new();

    [Inject]
    public required IRoadmapSource Source { get; set; }

    [Inject]
    public required ILogger<Roadmap> Logger { get; set; }

    [Inject]
    public required TimeProvider Time { get; set; }

    /// <summary>The chosen window; the API's default.</summary>
    private string Window { get; set; } = "1h";

    private RoadmapReport? Report { get; set; }

    private string? Error { get; set; }

    private PhaseTarget? Selected { get; set; }

    private KpiSeries? Chart { get; set; }

    private string? ChartError { get; set; }

    private TimeSpan WindowLength => RoadmapHistory.WindowLength(Window)!.Value;

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
                if (WindowLength <= LiveUpTo)
                {
                    await ReadAsync();
                    StateHasChanged();
                }
            }));
        }
    }

    private async Task SelectWindowAsync(string window)
    {
        Window = window;
        Chart = null;
        await ReadAsync();
    }

    private async Task SelectTargetAsync(PhaseTarget target)
    {
        // The same target again closes its chart.
        Selected = Selected?.Id == target.Id ? null : target;
        Chart = null;
        ChartError = null;
        if (Selected is not null)
        {
            await ReadChartAsync();
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            Report = await Source.ReadAsync(Window, _refresher.Closed);
            Error = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Keep the last verdicts on screen and say why they are not fresh; the next tick tries again.
            Logger.LogWarning(error, "Reading the roadmap failed");
            Error = $"The verdicts could not be read ({error.Message}); showing the last ones read.";
        }
        if (Selected is not null)
        {
            await ReadChartAsync();
        }
    }

    private async Task ReadChartAsync()
    {
        var target = Selected!;
        try
        {
            Chart = await Source.ReadKpiAsync(target.Metric, WindowLength > TimeSpan.Zero ? WindowLength : NowChartLength, _refresher.Closed);
            ChartError = null;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            Logger.LogWarning(error, "Reading KPI {Kpi} failed", target.Metric);
            ChartError = $"The samples of {target.Metric} could not be read ({error.Message}).";
        }
    }

    internal static string WindowTitle(string window) => window switch
    {
        RoadmapHistory.NowWindow => "Now",
        "1h" => "Last hour",
        "7d" => "Last 7 days",
        "30d" => "Last 30 days",
        _ => window,
    };

    private string CurrentPhaseText => Report!.Verdict.CurrentPhase is { } phase
        ? $"Current phase: {phase} ({Report.Roadmap.Phase(phase)?.Name}): the highest phase with every target met {WindowWords}."
        : $"Current phase: none; no phase has every target met {WindowWords}.";

    private string WindowWords => Window == RoadmapHistory.NowWindow ? "on the latest KPI tick" : $"over the {WindowTitle(Window).ToLowerInvariant()}";

    private string ReadAtText
    {
        get
        {
            var readAt = Report!.ReadAt.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
            var refresh = WindowLength <= LiveUpTo ? $"re-read every {RefreshPeriod.TotalSeconds:0} s" : "choose the window again to re-read";
            return Window == RoadmapHistory.NowWindow
                ? $"Each target judged on its KPI's latest sample (measured every 15 s); read at {readAt} UTC, {refresh}."
                : $"A target is met when at least 99% of its samples {WindowWords} met it; the actual is the median sample. Read at {readAt} UTC, {refresh}.";
        }
    }

    private static string InfrastructureText(InfrastructureTarget row) => string.Create(CultureInfo.InvariantCulture,
        $"Infrastructure: {row.MinimumInstances}+ instances{(row.InstancesPerRegion ? " per region" : "")}, database {row.Database}, cache {row.Cache}, CDN {row.Cdn}, about ${row.MonthlyCostUsd:N0} a month.");

    internal static string EvidenceText(LoadTestRecord loadTest)
    {
        var note = string.IsNullOrWhiteSpace(loadTest.Note) ? "" : $": {loadTest.Note}";
        return string.Create(CultureInfo.InvariantCulture,
            $"Load test of {loadTest.Users:N0} users, {loadTest.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}–{loadTest.EndedAt.UtcDateTime:HH:mm} UTC ({(loadTest.EndedAt - loadTest.StartedAt).TotalMinutes:0} min), recorded by {loadTest.RecordedBy}{note}");
    }

    private string ChartTitle(PhaseTarget target, KpiSeries chart) =>
        $"{target.Text}: {chart.KpiId} ({chart.Description}), {(Window == RoadmapHistory.NowWindow ? "last hour" : WindowTitle(Window).ToLowerInvariant())}";

    /// <summary>Thinned to the worst sample of each stretch (the highest for an upper limit, the lowest for a lower one), so a breach stays visible.</summary>
    private static IReadOnlyList<ChartPoint> ChartPointsOf(PhaseTarget target, KpiSeries chart) =>
        ChartPoints.Thin(chart.Samples, target.Comparator is TargetComparator.LessThan or TargetComparator.LessOrEqual ? v => v.Max() : v => v.Min());

    private static string? PointNote(KpiSeries chart) =>
        ChartPoints.GroupSize(chart.Samples.Count) is var size and > 1 ? $"each point the worst of {size} samples" : null;

    private static string ChartNoData(KpiSeries chart) => chart.Samples.Count == 0
        ? $"{chart.KpiId} was not measured {chart.Window.Describe()}."
        : $"None of {chart.Samples.Count} samples of {chart.KpiId} {chart.Window.Describe()} had a value; the latest said: {chart.NoDataReason}";

    public async ValueTask DisposeAsync() => await _refresher.DisposeAsync();
}
