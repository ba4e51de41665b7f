using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;

namespace Observability.Collector.Alerting;

/// <summary>The rules this Collector evaluates (the roadmap's defaults merged with the file's) and the file's SLOs, loaded once at start-up.</summary>
public sealed record AlertRuleSet(IReadOnlyList<AlertRule> Rules, IReadOnlyList<SloDefinition> Slos, string? SourcePath);
