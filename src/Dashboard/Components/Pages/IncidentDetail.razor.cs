using Microsoft.AspNetCore.Components;
using Observability.Core.Alerting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.Pages;

/// <summary>One incident: its timeline with who and when, its audit log, its alerts; correct a timestamp or resolve it (on-call, SREs, admins).</summary>
public sealed partial class IncidentDetail
{
    [Parameter]
    public required string Id { get; set; }

    private IncidentSnapshot? Detail { get; set; }

    private bool Missing { get; set; }

    private string? CorrectionRefusal { get; set; }

    /// <summary>Keys the correction form, so a recorded correction leaves it empty for the next one.</summary>
    private int CorrectionsRecorded { get; set; }

    protected override string WhatIsRead => "the incident";

    protected override async Task ReadDataAsync(CancellationToken cancellationToken)
    {
        Detail = await Source.ReadIncidentAsync(Id, cancellationToken);
        Missing = Detail is null;
    }

    private async Task CorrectAsync(StepCorrection correction)
    {
        var outcome = await Source.RecordStepAsync(User, Id, correction.Step, correction.At, correction.Reason, Closed);
        CorrectionRefusal = outcome.Refusal?.Message;
        if (outcome.Refusal is null)
        {
            CorrectionsRecorded++;
            Say($"{OnCallText.Step(correction.Step)} corrected to {OnCallText.Time(correction.At)}.", isError: false);
        }
        await ReadAsync(Closed);
    }

    private async Task ResolveAsync()
    {
        var outcome = await Source.RecordStepAsync(User, Id, IncidentSteps.Resolved, null, "resolved in the dashboard", Closed);
        Say(outcome.Refusal is { } refusal ? $"Not resolved: {refusal.Message}." : "Incident resolved.", outcome.Refusal is not null);
        await ReadAsync(Closed);
    }

    private string DurationsText(Incident incident)
    {
        var detect = $"detected {OnCallText.Duration(incident.DetectedAt - incident.ImpactStart)} after impact";
        var acknowledge = incident.AcknowledgedAt is { } acknowledged
            ? $"acknowledged {OnCallText.Duration(acknowledged - (incident.NotifiedAt ?? incident.DetectedAt))} after {(incident.NotifiedAt is null ? "detection" : "notification")}"
            : "not acknowledged";
        var resolve = incident.ResolvedAt is { } resolved
            ? $"resolved {OnCallText.Duration(resolved - incident.DetectedAt)} after detection"
            : $"open for {OnCallText.Duration(Detail!.ReadAt - incident.DetectedAt)}";
        return $"{detect}; {acknowledge}; {resolve}";
    }
}
