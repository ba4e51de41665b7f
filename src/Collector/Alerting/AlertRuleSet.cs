using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;

namespace Observability.Collector.Alerting;

/// <summary>
/// The rules this Collector evaluates (the roadmap's defaults merged with the file's) and the file's SLOs: loaded at
/// start-up, and replaced as a whole when the rules file is edited and saved from the dashboard.
/// </summary>
public sealed class AlertRuleSet(IReadOnlyList<AlertRule> rules, IReadOnlyList<SloDefinition> slos, string? sourcePath)
{
    /// <summary>One reference, swapped at once, so a reader never sees new rules with old SLOs or path.</summary>
    private volatile Contents _current = new(rules, slos, sourcePath);

    public IReadOnlyList<AlertRule> Rules => _current.Rules;

    public IReadOnlyList<SloDefinition> Slos => _current.Slos;

    /// <summary>The rules file, absolute; null when none is configured.</summary>
    public string? SourcePath => _current.SourcePath;

    /// <summary>From the next evaluation tick on, these rules and SLOs (read from <paramref name="path"/>) are in force.</summary>
    public void Replace(IReadOnlyList<AlertRule> newRules, IReadOnlyList<SloDefinition> newSlos, string path)
    {
        _current = new Contents(newRules, newSlos, path);
    }

    private sealed record Contents(IReadOnlyList<AlertRule> Rules, IReadOnlyList<SloDefinition> Slos, string? SourcePath);
}
