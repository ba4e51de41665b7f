using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Dashboard.Traces;

namespace Observability.Dashboard.Components.Traces;

/// <summary>A search's traces, newest first: root service and operation, spans per service, errors, start and duration (a bar against the longest).</summary>
public sealed partial class TraceResults
{
    [Parameter, EditorRequired]
    public required IReadOnlyList<TraceSummary> Traces { get; set; }

    /// <summary>The search's limit: when as many traces came back, there may be more.</summary>
    [Parameter]
    public int Limit { get; set; }

    [Parameter]
    public DateTimeOffset SearchedAt { get; set; }

    private string CountText
    {
        get
        {
            var text = Traces.Count == 1 ? "1 trace" : $"{Traces.Count.ToString("N0", CultureInfo.InvariantCulture)} traces";
            return Traces.Count >= Limit && Limit > 0
                ? $"{text}, the most recent matches (the limit is {Limit}: raise it or narrow the time range to see others)"
                : $"{text}, newest first";
        }
    }

    private static string SpansText(int count) => count == 1 ? "1 span" : $"{count.ToString("N0", CultureInfo.InvariantCulture)} spans";

    private static string ErrorsText(int count) => count == 1 ? "1 error" : $"{count.ToString("N0", CultureInfo.InvariantCulture)} errors";

    private string BarPercent(TraceSummary trace)
    {
        var longest = Traces.Max(t => t.DurationNanos);
        var percent = longest <= 0 ? 0 : trace.DurationNanos * 100.0 / longest;
        return percent.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
