using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Observability.Collector.Alerting;
using Observability.Collector.Roadmap;
using Observability.Core.Alerting.Rules;
using Observability.Core.Roadmap;
using Observability.Dashboard.Hosting;

namespace Observability.Dashboard.Administration.Rules;

/// <summary>The rules file as the Settings page edits it: where it is, its text, and whether it exists or is configured at all.</summary>
public sealed record AlertRulesDocument(string Path, bool Configured, bool Exists, string Text);

/// <summary>What the real loader said of a text: valid (with what it holds) or the first problem, at a line and column when it has one.</summary>
public sealed record AlertRulesCheck(bool IsValid, string Message, int? Line, int? Column)
{
    /// <summary>"line 4, column 7: ..." for the page.</summary>
    public string Text => Line is { } line ? $"line {line}, column {Column}: {Message}" : Message;
}

/// <summary>
/// Reads, validates (with <see cref="AlertRulesLoader"/>, as at start-up) and saves the alerts file (Alerting:RulesPath), and
/// puts the saved rules in force at once: the next evaluation tick uses them. Without a configured file it edits
/// alerts.yaml in the data folder, which a restart reads only once Alerting:RulesPath names it.
/// </summary>
public sealed partial class AlertRulesEditor(
    AlertRuleSet ruleSet, RoadmapDefinition roadmap, IOptions<AlertingOptions> alerting, IOptions<RoadmapOptions> roadmapOptions, IConfiguration configuration,
    ILogger<AlertRulesEditor> logger)
{
    public const string DefaultFileName = "alerts.yaml";

    /// <summary>The rules file in force, else alerts.yaml in the data folder.</summary>
    public string FilePath => ruleSet.SourcePath ?? Path.Combine(DashboardHostingExtensions.DataFolder(configuration), DefaultFileName);

    /// <summary>True when Alerting:RulesPath names a file (or one was saved from here in this run).</summary>
    public bool Configured => ruleSet.SourcePath is not null;

    /// <summary>How many rules are in force now: the phase's defaults merged with the file's.</summary>
    public int RulesInForce => ruleSet.Rules.Count;

    public async Task<AlertRulesDocument> ReadAsync(CancellationToken cancellationToken)
    {
        var path = FilePath;
        var exists = File.Exists(path);
        var text = exists ? await File.ReadAllTextAsync(path, cancellationToken) : "";
        return new AlertRulesDocument(path, Configured, exists, text);
    }

    public AlertRulesCheck Validate(string yaml) => Check(yaml, out _);

    /// <summary>Validates, then writes the file atomically (a temporary file renamed over it) and puts its rules in force.</summary>
    public async Task<AlertRulesCheck> SaveAsync(string yaml, string savedBy, CancellationToken cancellationToken)
    {
        var check = Check(yaml, out var merged);
        if (!check.IsValid)
        {
            return check;
        }
        var path = FilePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Beside the target, so the rename stays on one file system and is atomic: a reader sees the old file or the new one.
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(temporary, yaml, cancellationToken);
        File.Move(temporary, path, overwrite: true);
        ruleSet.Replace(merged!.Value.Rules, merged.Value.File.Slos, path);
        logger.LogInformation("Alert rules saved to {Path} by {User}: {Rules} rules in force", path, savedBy, merged.Value.Rules.Count);
        var restart = IsConfiguredPath(path) ? "" : $" Set Alerting:RulesPath to {path} so a restart loads it too.";
        return check with { Message = $"Saved to {path}; {merged.Value.Rules.Count} rules in force from the next evaluation.{restart}" };
    }

    private bool IsConfiguredPath(string path) => !string.IsNullOrEmpty(alerting.Value.RulesPath)
        && string.Equals(Path.GetFullPath(alerting.Value.RulesPath, AppContext.BaseDirectory), path, StringComparison.Ordinal);

    private AlertRulesCheck Check(string yaml, out (AlertRulesFile File, IReadOnlyList<AlertRule> Rules)? merged)
    {
        merged = null;
        AlertRulesFile file;
        try
        {
            file = AlertRulesLoader.Parse(yaml, FilePath);
        }
        catch (AlertRulesException error)
        {
            return Problem(error.Message);
        }
        var defaults = DefaultAlertRules.For(roadmap, alerting.Value.Phase, roadmapOptions.Value.MeasurementWindow);
        var rules = DefaultAlertRules.Merge(defaults, file);
        merged = (file, rules);
        return new AlertRulesCheck(true,
            $"Valid: {file.Rules.Count} rules and {file.Slos.Count} SLOs in the file; with phase {alerting.Value.Phase}'s defaults, {rules.Count} rules would be in force.",
            null, null);
    }

    /// <summary>The loader's "path:line:column: problem" taken apart, so the page can point at the line.</summary>
    private AlertRulesCheck Problem(string message)
    {
        var prefix = FilePath + ":";
        var rest = message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
        var match = LineColumn().Match(rest);
        return match.Success
            ? new AlertRulesCheck(false, match.Groups["problem"].Value,
                int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["column"].Value, CultureInfo.InvariantCulture))
            : new AlertRulesCheck(false, rest.StartsWith(' ') ? rest.TrimStart() : rest, null, null);
    }

    [GeneratedRegex(@"^(?<line>\d+):(?<column>\d+): (?<problem>.*)$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex LineColumn();
}
