using Microsoft.AspNetCore.Components;
using MudBlazor;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Rules;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.OnCall;

/// <summary>One alert as on-call staff read it: rule, severity, state, labels, summary, since when, value, who acknowledged; and its actions.</summary>
public sealed partial class AlertCard
{
    [Parameter, EditorRequired]
    public required AlertInstance Alert { get; set; }

    /// <summary>When the page read the alert: "firing for 3 min" counts from here.</summary>
    [Parameter, EditorRequired]
    public DateTimeOffset Now { get; set; }

    /// <summary>Whether the user's role may acknowledge and silence (the action checks again).</summary>
    [Parameter]
    public bool CanRespond { get; set; }

    [Parameter]
    public EventCallback<AlertInstance> OnAcknowledge { get; set; }

    [Parameter]
    public EventCallback<AlertInstance> OnSilence { get; set; }

    private string State => OnCallText.State(Alert.State);

    private string Severity => Alert.Labels.TryGetValue(KnownAlertLabels.Severity, out var severity) ? severity : KnownSeverities.Ticket;

    private string? Summary => Alert.Annotations.TryGetValue("summary", out var text) && text.Length > 0 ? text : null;

    private string? Description => Alert.Annotations.TryGetValue("description", out var text) && text.Length > 0 ? text : null;

    private Color SeverityColor => Severity == KnownSeverities.Page ? Color.Error : Color.Warning;

    private Color StateColor => Alert.State switch
    {
        AlertState.Firing => Color.Error,
        AlertState.Pending => Color.Warning,
        _ => Color.Success,
    };

    private string SinceText => Alert.State switch
    {
        AlertState.Firing when Alert.FiringSince is { } since => $"firing since {OnCallText.Time(since)} ({OnCallText.Duration(Now - since)})",
        AlertState.Pending when Alert.ActiveSince is { } since => $"pending since {OnCallText.Time(since)} ({OnCallText.Duration(Now - since)}); fires once the condition has held for the rule's 'for'",
        AlertState.Resolved when Alert.ResolvedAt is { } resolved => Alert.FiringSince is { } fired
            ? $"resolved at {OnCallText.Time(resolved)} after firing for {OnCallText.Duration(resolved - fired)}"
            : $"resolved at {OnCallText.Time(resolved)}",
        _ => "",
    };
}
