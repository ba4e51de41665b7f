using Microsoft.AspNetCore.Components;

namespace Observability.Dashboard.Components.Shared;

/// <summary>"Last 15 minutes" … "last 7 days", as Grafana's quick ranges: the window ending now that a page reads.</summary>
public sealed partial class TimeRangePicker
{
    public static readonly IReadOnlyList<TimeSpan> Presets =
    [
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6),
        TimeSpan.FromHours(24), TimeSpan.FromDays(7),
    ];

    [Parameter]
    public TimeSpan Value { get; set; } = TimeSpan.FromHours(1);

    [Parameter]
    public EventCallback<TimeSpan> ValueChanged { get; set; }

    /// <summary>"Last 15 minutes", "Last 6 hours", "Last 7 days".</summary>
    public static string Describe(TimeSpan range) => range switch
    {
        { TotalDays: >= 1 } when range.TotalDays % 1 == 0 => $"Last {range.TotalDays:0} day{(range.TotalDays == 1 ? "" : "s")}",
        { TotalHours: >= 1 } when range.TotalHours % 1 == 0 => $"Last {range.TotalHours:0} hour{(range.TotalHours == 1 ? "" : "s")}",
        _ => $"Last {range.TotalMinutes:0} minute{(range.TotalMinutes == 1 ? "" : "s")}",
    };

    private Task OnChangedAsync(TimeSpan range)
    {
        Value = range;
        return ValueChanged.InvokeAsync(range);
    }
}
