using Microsoft.AspNetCore.Components;
using Observability.Core.Alerting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.OnCall;

/// <summary>An incident's six steps with when and by whom, and its audit log, where a correction shows the old time beside the new.</summary>
public sealed partial class IncidentTimeline
{
    [Parameter, EditorRequired]
    public required IncidentSnapshot Detail { get; set; }

    /// <summary>Who set the step's current time: the latest entry for it, else whoever opened the incident (impact start, detected).</summary>
    private string RecordedBy(string step)
    {
        var entry = Detail.Timeline.LastOrDefault(e => e.Step == step) ?? Detail.Timeline.FirstOrDefault(e => e.Kind == "opened");
        return entry is null ? "" : $"{entry.Author}{(entry.Kind == "correction" ? " (corrected)" : "")}";
    }

    private static string HistoryText(IncidentEvent entry)
    {
        var note = string.IsNullOrEmpty(entry.Note) ? "" : $": {entry.Note}";
        var at = OnCallText.Time(entry.At);
        return entry switch
        {
            { Kind: "correction", Step: { } step } =>
                $"{at} {entry.Author} corrected {OnCallText.Step(step)} from {OnCallText.Time(entry.OldValue)} to {OnCallText.Time(entry.NewValue)}{note}",
            { Kind: "step", Step: { } step } => $"{at} {entry.Author} recorded {OnCallText.Step(step)} at {OnCallText.Time(entry.NewValue)}{note}",
            _ => $"{at} {entry.Author} {entry.Kind}{note}",
        };
    }
}
