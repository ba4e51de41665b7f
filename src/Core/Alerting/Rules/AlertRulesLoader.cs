using System.Globalization;
using System.Text.RegularExpressions;
using Observability.Core.Alerting.Slo;
using Observability.Core.Metrics;
using Observability.Core.Roadmap;
using YamlDotNet.Core;
using Observability.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Observability.Core.Alerting.Rules;

/// <summary>An alerts file that cannot be used; the message names the file, line, column, the problem and what is accepted.</summary>
public sealed class AlertRulesException(string message) : Exception(message);

/// <summary>What an alerts file holds: its rules and SLOs, in file order.</summary>
public sealed record AlertRulesFile(IReadOnlyList<AlertRule> Rules, IReadOnlyList<SloDefinition> Slos, string SourcePath)
{
    public static AlertRulesFile Empty(string sourcePath) => new([], [], sourcePath);
}

/// <summary>
/// Reads and validates <c>alerts.yaml</c> (format: docs/alerting-rules.md): a <c>rules</c> list and an <c>slos</c>
/// list. Every problem is reported with file, line and column and, where there is a choice, the accepted values;
/// unknown keys are refused so a typo never silently drops a rule.
/// </summary>
public static partial class AlertRulesLoader
{
    public static AlertRulesFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new AlertRulesException($"{path}: cannot read the alerts file: {error.Message}");
        }
        return Parse(text, path);
    }

    public static AlertRulesFile Parse(string yaml, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException error)
        {
            throw new AlertRulesException($"{path}:{error.Start.Line}:{error.Start.Column}: not valid YAML: {error.InnerException?.Message ?? error.Message}");
        }
        if (stream.Documents.Count == 0)
        {
            return AlertRulesFile.Empty(path);
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new AlertRulesException($"{path}:1:1: expected a mapping with 'rules' and 'slos' lists");
        }
        return new Reader(path).Read(root);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SloName();

    private sealed class Reader(string path) : YamlFileReader(path)
    {
        private static readonly string[] ConditionKeys = ["kpi", "red", "metric", "slo_burn"];
        private readonly Dictionary<string, SloDefinition> _slos = new(StringComparer.Ordinal);

        public AlertRulesFile Read(YamlMappingNode root)
        {
            Keys(root, "rules", "slos");
            var slos = new List<SloDefinition>();
            var sloLines = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            if (Optional(root, "slos") is { } slosNode && !IsEmpty(slosNode))
            {
                foreach (var item in Sequence(slosNode, "slos"))
                {
                    var slo = ReadSlo(Mapping(item, "an SLO"), sloLines);
                    slos.Add(slo);
                    _slos[slo.Name] = slo;
                }
            }

            var rules = new List<AlertRule>();
            var ruleNames = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            if (Optional(root, "rules") is { } rulesNode && !IsEmpty(rulesNode))
            {
                foreach (var item in Sequence(rulesNode, "rules"))
                {
                    rules.Add(ReadRule(Mapping(item, "a rule"), ruleNames));
                }
            }
            return new AlertRulesFile(rules, slos, FilePath);
        }

        private AlertRule ReadRule(YamlMappingNode node, Dictionary<string, YamlNode> names)
        {
            Keys(node, "name", "kpi", "red", "metric", "slo_burn", "comparator", "threshold", "unit", "window", "for", "labels", "annotations");
            var nameNode = Required(node, "name");
            var name = Text(nameNode, "name");
            if (!LabelName().IsMatch(name))
            {
                throw Error(nameNode, $"rule name '{name}' must start with a letter or '_' and hold only letters, digits and '_' (e.g. HighErrorRatio)");
            }
            if (names.TryGetValue(name, out var first))
            {
                throw Error(nameNode, $"duplicate rule name '{name}': also at line {first.Start.Line}; rule names must be unique");
            }
            names[name] = nameNode;

            var present = ConditionKeys.Where(key => Optional(node, key) is not null).ToList();
            if (present.Count != 1)
            {
                throw Error(node, present.Count == 0
                    ? $"rule '{name}' has no condition; accepted: one of {string.Join(", ", ConditionKeys)}"
                    : $"rule '{name}' has {present.Count} conditions ({string.Join(", ", present)}); accepted: exactly one of {string.Join(", ", ConditionKeys)}");
            }
            var conditionNode = node[present[0]];
            var labels = ReadLabels(Optional(node, "labels"), node);
            var annotations = ReadAnnotations(Optional(node, "annotations"));
            var forDuration = Optional(node, "for") is { } forNode ? Duration(forNode, "for", allowZero: true) : TimeSpan.Zero;

            if (present[0] == "slo_burn")
            {
                foreach (var key in new[] { "comparator", "threshold", "window", "unit" })
                {
                    if (Optional(node, key) is { } extra)
                    {
                        throw Error(extra, $"'{key}' does not apply to slo_burn: the rule fires when the burn rate exceeds 'factor' over both 'long' and 'short'");
                    }
                }
                var burn = ReadSloBurn(conditionNode);
                return new AlertRule
                {
                    Name = name,
                    Condition = burn,
                    Comparator = TargetComparator.GreaterThan,
                    Threshold = burn.Factor,
                    Window = burn.LongWindow,
                    For = forDuration,
                    Labels = WithDefault(labels, KnownAlertLabels.Slo, burn.Slo.Name),
                    Annotations = annotations,
                };
            }

            AlertCondition condition = present[0] switch
            {
                "kpi" => ReadKpi(conditionNode),
                "red" => ReadRed(conditionNode),
                _ => ReadMetric(conditionNode),
            };
            var comparatorNode = Required(node, "comparator");
            if (!TargetComparators.TryParse(Text(comparatorNode, "comparator"), out var comparator))
            {
                throw Error(comparatorNode, $"bad comparator '{Text(comparatorNode, "comparator")}'; accepted: {string.Join(", ", TargetComparators.Accepted)}");
            }
            var threshold = Number(Required(node, "threshold"), "threshold");
            if (Optional(node, "unit") is { } unitNode)
            {
                if (condition is not KpiCondition kpi)
                {
                    throw Error(unitNode, "'unit' applies only to kpi conditions; red and metric thresholds are in the signal's own unit (see docs/alerting-rules.md)");
                }
                var definition = KnownKpis.All[kpi.KpiId];
                var unit = Text(unitNode, "unit");
                if (!definition.Units.TryGetValue(unit, out var factor))
                {
                    throw Error(unitNode, $"unit '{unit}' does not fit kpi '{kpi.KpiId}'; accepted: {string.Join(", ", definition.Units.Keys)}");
                }
                threshold *= factor;
            }
            return new AlertRule
            {
                Name = name,
                Condition = condition,
                Comparator = comparator,
                Threshold = threshold,
                Window = Duration(Required(node, "window"), "window", allowZero: false),
                For = forDuration,
                Labels = labels,
                Annotations = annotations,
            };
        }

        private KpiCondition ReadKpi(YamlNode node)
        {
            var id = Text(node, "kpi");
            if (!KnownKpis.All.ContainsKey(id))
            {
                throw Error(node, $"unknown kpi '{id}'; accepted: {string.Join(", ", KnownKpis.All.Keys)}");
            }
            return new KpiCondition(id);
        }

        private RedCondition ReadRed(YamlNode node)
        {
            var map = Mapping(node, "red");
            Keys(map, "signal", "service", "operation");
            var signalNode = Required(map, "signal");
            var signal = Text(signalNode, "signal");
            if (!RedCondition.Signals.TryGetValue(signal, out var parsed))
            {
                throw Error(signalNode, $"unknown red signal '{signal}'; accepted: {string.Join(", ", RedCondition.Signals.Keys)}");
            }
            return new RedCondition(parsed,
                Optional(map, "service") is { } service ? Text(service, "service") : null,
                Optional(map, "operation") is { } operation ? Text(operation, "operation") : null);
        }

        private MetricCondition ReadMetric(YamlNode node)
        {
            var map = Mapping(node, "metric");
            Keys(map, "name", "agg", "match", "by");
            var metric = Text(Required(map, "name"), "name");
            var aggNode = Required(map, "agg");
            var agg = Text(aggNode, "agg");
            try
            {
                MetricAggregation.Parse(agg);
            }
            catch (MetricQueryException)
            {
                throw Error(aggNode, $"unknown agg '{agg}'; accepted: {string.Join(", ", MetricCondition.Aggregations)} (or any pNN such as p99.9)");
            }
            var by = new List<string>();
            if (Optional(map, "by") is { } byNode && !IsEmpty(byNode))
            {
                foreach (var label in Sequence(byNode, "by"))
                {
                    by.Add(Text(label, "by"));
                }
            }
            return new MetricCondition(metric, agg, ReadMatch(Optional(map, "match")), by);
        }

        private SloBurnCondition ReadSloBurn(YamlNode node)
        {
            var map = Mapping(node, "slo_burn");
            Keys(map, "slo", "long", "short", "factor");
            var sloNode = Required(map, "slo");
            var name = Text(sloNode, "slo");
            if (!_slos.TryGetValue(name, out var slo))
            {
                throw Error(sloNode, _slos.Count == 0
                    ? $"unknown slo '{name}': the file defines no SLOs; add it under 'slos'"
                    : $"unknown slo '{name}'; accepted: {string.Join(", ", _slos.Keys)}");
            }
            var longNode = Required(map, "long");
            var longWindow = Duration(longNode, "long", allowZero: false);
            var shortNode = Required(map, "short");
            var shortWindow = Duration(shortNode, "short", allowZero: false);
            if (shortWindow >= longWindow)
            {
                throw Error(shortNode, $"'short' ({AlertDurations.Format(shortWindow)}) must be shorter than 'long' ({AlertDurations.Format(longWindow)})");
            }
            var factorNode = Required(map, "factor");
            var factor = Number(factorNode, "factor");
            if (factor <= 0)
            {
                throw Error(factorNode, $"'factor' must be above 0, not {factor.ToString(CultureInfo.InvariantCulture)} (the workbook uses 14.4, 6 and 1)");
            }
            return new SloBurnCondition(slo, longWindow, shortWindow, factor);
        }

        private SloDefinition ReadSlo(YamlMappingNode node, Dictionary<string, YamlNode> names)
        {
            Keys(node, "name", "service", "objective", "window", "indicator", "description");
            var nameNode = Required(node, "name");
            var name = Text(nameNode, "name");
            if (!SloName().IsMatch(name))
            {
                throw Error(nameNode, $"SLO name '{name}' must start with a letter or digit and hold only letters, digits, '_', '.' and '-'");
            }
            if (names.TryGetValue(name, out var first))
            {
                throw Error(nameNode, $"duplicate SLO name '{name}': also at line {first.Start.Line}; SLO names must be unique");
            }
            names[name] = nameNode;
            var service = Text(Required(node, "service"), "service");
            var objectiveNode = Required(node, "objective");
            var objective = Number(objectiveNode, "objective");
            if (objective is <= 0 or >= 1)
            {
                throw Error(objectiveNode, $"objective {objective.ToString(CultureInfo.InvariantCulture)} is not in (0, 1); accepted: a share between 0 and 1, e.g. 0.999 for 99.9%");
            }
            return new SloDefinition(name, service, ReadIndicator(Required(node, "indicator")), objective, ReadTimeWindow(Required(node, "window")),
                Optional(node, "description") is { } description ? Text(description, "description") : null);
        }

        private SloTimeWindow ReadTimeWindow(YamlNode node)
        {
            if (node is YamlMappingNode map)
            {
                Keys(map, "calendar");
                var calendarNode = Required(map, "calendar");
                var calendar = Text(calendarNode, "calendar");
                return calendar == "month"
                    ? SloTimeWindow.CalendarMonth
                    : throw Error(calendarNode, $"unknown calendar window '{calendar}'; accepted: month");
            }
            return new SloTimeWindow(Duration(node, "window", allowZero: false));
        }

        private SloIndicator ReadIndicator(YamlNode node)
        {
            const string accepted = "availability, latency, ratio";
            if (node is YamlScalarNode scalar)
            {
                return scalar.Value == "availability"
                    ? new AvailabilityIndicator()
                    : throw Error(node, $"indicator '{scalar.Value}' needs its settings or is unknown; accepted: {accepted} (latency and ratio as mappings)");
            }
            var map = Mapping(node, "indicator");
            if (map.Children.Count != 1)
            {
                throw Error(node, $"an indicator is exactly one of: {accepted}");
            }
            var (keyNode, value) = map.Children.First();
            var kind = (keyNode as YamlScalarNode)?.Value;
            switch (kind)
            {
                case "availability":
                    if (!IsEmpty(value) && !(value is YamlMappingNode { Children.Count: 0 }))
                    {
                        throw Error(value, "availability takes no settings: good = server spans not in error");
                    }
                    return new AvailabilityIndicator();
                case "latency":
                {
                    var latency = Mapping(value, "latency");
                    Keys(latency, "threshold_ms", "operation");
                    var thresholdNode = Required(latency, "threshold_ms");
                    var threshold = Number(thresholdNode, "threshold_ms");
                    if (threshold <= 0)
                    {
                        throw Error(thresholdNode, "'threshold_ms' must be above 0");
                    }
                    return new LatencyIndicator(threshold, Optional(latency, "operation") is { } op ? Text(op, "operation") : null);
                }
                case "ratio":
                {
                    var ratio = Mapping(value, "ratio");
                    Keys(ratio, "good", "total");
                    return new RatioIndicator(ReadSloQuery(Required(ratio, "good"), "good"), ReadSloQuery(Required(ratio, "total"), "total"));
                }
                default:
                    throw Error(keyNode, $"unknown indicator '{kind}'; accepted: {accepted}");
            }
        }

        private SloMetricQuery ReadSloQuery(YamlNode node, string what)
        {
            var map = Mapping(node, what);
            Keys(map, "name", "match");
            return new SloMetricQuery(Text(Required(map, "name"), "name"), ReadMatch(Optional(map, "match")));
        }

        private IReadOnlyDictionary<string, string> ReadMatch(YamlNode? node)
        {
            var match = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (node is null || IsEmpty(node))
            {
                return match;
            }
            foreach (var (key, value) in Mapping(node, "match").Children)
            {
                match[Text(key, "match")] = Text(value, "match value");
            }
            return match;
        }

        private Dictionary<string, string> ReadLabels(YamlNode? node, YamlMappingNode rule)
        {
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            if (node is not null && !IsEmpty(node))
            {
                foreach (var (keyNode, valueNode) in Mapping(node, "labels").Children)
                {
                    var key = Text(keyNode, "label name");
                    if (!LabelName().IsMatch(key))
                    {
                        throw Error(keyNode, $"label name '{key}' must start with a letter or '_' and hold only letters, digits and '_'");
                    }
                    if (key == KnownAlertLabels.AlertName)
                    {
                        throw Error(keyNode, "'alertname' is set from the rule's name; remove it from labels");
                    }
                    labels[key] = Text(valueNode, key);
                    if (key == KnownAlertLabels.Severity && !KnownSeverities.All.Contains(labels[key]))
                    {
                        throw Error(valueNode, $"bad severity '{labels[key]}'; accepted: {string.Join(", ", KnownSeverities.All)}");
                    }
                }
            }
            if (!labels.ContainsKey(KnownAlertLabels.Severity))
            {
                throw Error(node ?? rule, $"missing label 'severity'; accepted: {string.Join(", ", KnownSeverities.All)}");
            }
            return labels;
        }

        private Dictionary<string, string> ReadAnnotations(YamlNode? node)
        {
            var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
            if (node is null || IsEmpty(node))
            {
                return annotations;
            }
            foreach (var (keyNode, valueNode) in Mapping(node, "annotations").Children)
            {
                var key = Text(keyNode, "annotation name");
                if (!LabelName().IsMatch(key))
                {
                    throw Error(keyNode, $"annotation name '{key}' must start with a letter or '_' and hold only letters, digits and '_' (e.g. summary, description, runbook_url)");
                }
                var text = Text(valueNode, key);
                if (AlertTemplate.FirstUnknownPlaceholder(text) is { } unknown)
                {
                    throw Error(valueNode, $"unknown placeholder {unknown} in '{key}'; accepted: {AlertTemplate.Accepted}");
                }
                annotations[key] = text;
            }
            return annotations;
        }

        private static Dictionary<string, string> WithDefault(Dictionary<string, string> labels, string name, string value)
        {
            labels.TryAdd(name, value);
            return labels;
        }

        private TimeSpan Duration(YamlNode node, string key, bool allowZero)
        {
            var text = Text(node, key);
            if (!AlertDurations.TryParse(text, out var duration))
            {
                throw Error(node, $"bad duration '{text}' for '{key}'; accepted: {AlertDurations.Accepted}");
            }
            if (!allowZero && duration <= TimeSpan.Zero)
            {
                throw Error(node, $"'{key}' must be longer than 0; accepted: {AlertDurations.Accepted}");
            }
            return duration;
        }

        protected override Exception Refuse(string message) => new AlertRulesException(message);
    }
}
