using Microsoft.AspNetCore.Components;
using Observability.Collector.Alerting;
using Observability.Core.Alerting;

namespace Observability.Dashboard.Components.OnCall;

/// <summary>
/// A silence from an alert, Alertmanager's way: matchers pre-filled from its labels (remove the ones too narrow), a
/// duration and a comment. Checked here with the API's own rules, and again where it is stored.
/// </summary>
public sealed partial class SilenceForm
{
    public const int DefaultDurationMinutes = 60;

    [Parameter]
    public AlertInstance? From { get; set; }

    [Parameter, EditorRequired]
    public required TimeProvider Time { get; set; }

    /// <summary>Why the last submission was refused where it was stored, shown until the next one.</summary>
    [Parameter]
    public string? Refusal { get; set; }

    [Parameter]
    public EventCallback<SilenceDraft> OnSubmit { get; set; }

    [Parameter]
    public EventCallback OnCancel { get; set; }

    private List<LabelMatcher> Matchers { get; set; } = [];

    private int DurationMinutes { get; set; } = DefaultDurationMinutes;

    private string? Comment { get; set; }

    private string? LocalProblem { get; set; }

    private string? Problem => LocalProblem ?? Refusal;

    protected override void OnInitialized()
    {
        Matchers = From is null ? [] : [.. From.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new LabelMatcher(l.Key, l.Value))];
    }

    private void Remove(LabelMatcher matcher) => Matchers.Remove(matcher);

    private async Task SubmitAsync()
    {
        if (DurationMinutes < 1)
        {
            LocalProblem = "duration must be at least 1 minute";
            return;
        }
        var now = Time.GetUtcNow();
        var draft = new SilenceDraft([.. Matchers], now, now.AddMinutes(DurationMinutes), Comment?.Trim());
        LocalProblem = AlertResponses.ProblemWith(draft, now);
        if (LocalProblem is null)
        {
            await OnSubmit.InvokeAsync(draft);
        }
    }
}
