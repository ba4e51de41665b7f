using Observability.Collector.Alerting;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Incidents;

namespace Observability.Dashboard.OnCall;

/// <summary>What the Alerts page shows: every alert not inactive, the silences not yet ended, and each rule with its state.</summary>
public sealed record AlertsSnapshot(DateTimeOffset ReadAt, IReadOnlyList<AlertInstance> Alerts, IReadOnlyList<Silence> Silences, IReadOnlyList<AlertRuleStatus> Rules);

/// <summary>What the Incidents page shows: the newest incidents, open ones first, and MTTD / MTTA / MTTR over them.</summary>
public sealed record IncidentsSnapshot(DateTimeOffset ReadAt, IReadOnlyList<Incident> Incidents, IncidentStatistics Statistics);

/// <summary>One incident with its audit log (steps recorded and corrected) and the alerts it holds.</summary>
public sealed record IncidentSnapshot(DateTimeOffset ReadAt, Incident Incident, IReadOnlyList<IncidentEvent> Timeline, IReadOnlyList<AlertInstance> Alerts);

/// <summary>A correction of one step of an incident's timeline: the step, its new time, and why.</summary>
public sealed record StepCorrection(string Step, DateTimeOffset At, string Reason);
