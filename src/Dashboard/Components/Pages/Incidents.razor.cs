using Observability.Core.Alerting;
using Observability.Dashboard.OnCall;

namespace Observability.Dashboard.Components.Pages;

/// <summary>Incidents, open first, with how long each took to detect, acknowledge and resolve, and MTTD / MTTA / MTTR over them; re-read on a timer.</summary>
public sealed partial class Incidents
{
    private IncidentsSnapshot? Snapshot { get; set; }

    protected override string WhatIsRead => "the incidents";

    protected override async Task ReadDataAsync(CancellationToken cancellationToken) => Snapshot = await Source.ReadIncidentsAsync(cancellationToken);

    private static string AcknowledgeText(Incident incident) => incident.AcknowledgedAt is { } acknowledged
        ? OnCallText.Duration(acknowledged - (incident.NotifiedAt ?? incident.DetectedAt))
        : "not acknowledged";

    private string ResolveText(Incident incident) => incident.ResolvedAt is { } resolved
        ? OnCallText.Duration(resolved - incident.DetectedAt)
        : $"open for {OnCallText.Duration(Snapshot!.ReadAt - incident.DetectedAt)}";
}
