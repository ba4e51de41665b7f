using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Core.Kpis;
using Observability.Core.Roadmap;
using Observability.Dashboard.Reports;

namespace Observability.Dashboard.Components.Reports;

/// <summary>A phase's (or the end state's) targets with their verdicts, each KPI's recorded baseline, and a button opening its chart.</summary>
public sealed partial class TargetTable
{
    [Parameter, EditorRequired]
    public required IReadOnlyList<TargetVerdict> Targets { get; set; }

    /// <summary>Recorded baselines by KPI id.</summary>
    [Parameter, EditorRequired]
    public required IReadOnlyDictionary<string, KpiBaseline> Baselines { get; set; }

    /// <summary>The target whose chart is open, if any.</summary>
    [Parameter]
    public string? SelectedId { get; set; }

    [Parameter]
    public EventCallback<PhaseTarget> OnSelect { get; set; }

    /// <summary>
    /// The baseline of the target's KPI, or of the KPI a change target compares (response_time_p99 for its change):
    /// "412 ms over 10:00–11:00 UTC on 2026-11-20 (phase 1), recorded by alice".
    /// </summary>
    internal string BaselineText(PhaseTarget target)
    {
        var kpiId = KnownKpis.BaseOf(target.Metric) ?? target.Metric;
        if (!Baselines.TryGetValue(kpiId, out var baseline))
        {
            return target.BaselinePhase is { } phase ? $"none recorded for {kpiId}: needed (phase {phase}) to judge this change" : "none recorded";
        }
        var unit = KnownKpis.All.TryGetValue(kpiId, out var kpi) ? kpi.Unit : "";
        var phaseText = baseline.Phase is { } number ? $" (phase {number})" : "";
        return string.Create(CultureInfo.InvariantCulture,
                $"{ReportText.Number(baseline.Value)} {unit} over {baseline.From.UtcDateTime:yyyy-MM-dd HH:mm}–{baseline.To.UtcDateTime:HH:mm} UTC{phaseText}, recorded by {baseline.RecordedBy}")
            .Replace("  ", " ", StringComparison.Ordinal);
    }
}
