using System.Globalization;
using Microsoft.AspNetCore.Components;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.OnCall;

/// <summary>Pick a step of the incident's timeline, give its right time (UTC) and the reason; the page records it as an audited correction.</summary>
public sealed partial class CorrectionForm
{
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    [Parameter, EditorRequired]
    public required Incident Incident { get; set; }

    /// <summary>Why the last correction was refused where it was recorded (e.g. out of order), shown until the next one.</summary>
    [Parameter]
    public string? Refusal { get; set; }

    [Parameter]
    public EventCallback<StepCorrection> OnSubmit { get; set; }

    private string? Step { get; set; }

    private string? TimeText { get; set; }

    private string? Reason { get; set; }

    private string? LocalProblem { get; set; }

    private string? Problem => LocalProblem ?? Refusal;

    private void Pick(string step)
    {
        Step = step;
        // Start from the recorded time, so a small correction is a small edit.
        TimeText = IncidentService.StepTime(Incident, step)?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) ?? TimeText;
    }

    private async Task SubmitAsync()
    {
        LocalProblem = ProblemWithInput(out var at);
        if (LocalProblem is null)
        {
            await OnSubmit.InvokeAsync(new StepCorrection(Step!, at, Reason!.Trim()));
        }
    }

    private string? ProblemWithInput(out DateTimeOffset at)
    {
        at = default;
        if (Step is null)
        {
            return "step: pick the step to correct";
        }
        if (!DateTime.TryParseExact(TimeText?.Trim(), TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return $"time: '{TimeText}' is not a UTC time of the form {TimeFormat}";
        }
        at = new DateTimeOffset(parsed, TimeSpan.Zero);
        return string.IsNullOrWhiteSpace(Reason) ? "reason is required: say why the time is corrected" : null;
    }
}
