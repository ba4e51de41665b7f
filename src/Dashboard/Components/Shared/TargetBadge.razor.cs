using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Observability.Core.Roadmap;

namespace Observability.Dashboard.Components.Shared;

/// <summary>One target: met / missed / no data, with the actual against the target in words, or why there is no data.</summary>
public sealed partial class TargetBadge
{
    [Parameter, EditorRequired]
    public required TargetVerdict Verdict { get; set; }

    private string StatusName => Verdict.Status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.Missed => "missed",
        _ => "no-data",
    };

    private string StatusText => Verdict.Status switch
    {
        TargetStatus.Met => "met",
        TargetStatus.Missed => "missed",
        _ => "no data",
    };

    private Color ChipColor => Verdict.Status switch
    {
        TargetStatus.Met => Color.Success,
        TargetStatus.Missed => Color.Error,
        _ => Color.Default,
    };

    /// <summary>"Response time p99: &lt;500ms · actual 412 ms, target &lt; 500 ms", or "… · no data: reason".</summary>
    internal string Text => Verdict.Measurement.Value is { } value
        ? $"{Verdict.Target.Text} · actual {Format(value)} {Verdict.Target.Unit}, target {Verdict.Target.Describe()}"
        : $"{Verdict.Target.Text} · no data: {Verdict.Measurement.NoDataReason}";

    internal static string Format(double value) => value.ToString(
        Math.Abs(value) >= 100 ? "N0" : Math.Abs(value) >= 1 ? "0.##" : "0.####", CultureInfo.InvariantCulture);
}
