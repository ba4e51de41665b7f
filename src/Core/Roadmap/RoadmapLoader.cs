using System.Globalization;
using YamlDotNet.Core;
using Observability.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Observability.Core.Roadmap;

/// <summary>A roadmap file that cannot be used; the message names the file, the line and the problem.</summary>
public sealed class RoadmapException(string message) : Exception(message);

/// <summary>
/// Reads and validates a roadmap YAML file (see src/Collector/roadmap.yaml for the shape). Every problem is reported
/// with its file, line and column and, where there is a choice, the accepted values; unknown keys are refused so a
/// typo never silently drops a target.
/// </summary>
public static class RoadmapLoader
{
    public static RoadmapDefinition Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new RoadmapException($"{path}: cannot read the roadmap file: {error.Message}");
        }
        return Parse(text, path);
    }

    public static RoadmapDefinition Parse(string yaml, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException error)
        {
            throw new RoadmapException($"{path}:{error.Start.Line}:{error.Start.Column}: not valid YAML: {error.InnerException?.Message ?? error.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RoadmapException($"{path}:1:1: expected a mapping with 'phases', 'endState' and 'infrastructure'");
        }
        return new Reader(path).ReadRoadmap(root);
    }

    private sealed class Reader(string path) : YamlFileReader(path)
    {
        private readonly HashSet<string> _targetIds = new(StringComparer.Ordinal);

        public RoadmapDefinition ReadRoadmap(YamlMappingNode root)
        {
            Keys(root, "phases", "endState", "infrastructure");
            var phasesNode = Sequence(Required(root, "phases"), "phases");
            var phases = new List<RoadmapPhase>();
            foreach (var node in phasesNode)
            {
                var phase = ReadPhase(Mapping(node, "a phase"), phases);
                phases.Add(phase);
            }
            if (phases.Count == 0)
            {
                throw Error(phasesNode, "'phases' lists no phase");
            }

            IReadOnlyList<PhaseTarget> endState = [];
            if (Optional(root, "endState") is { } endNode)
            {
                var end = Mapping(endNode, "endState");
                Keys(end, "targets");
                endState = ReadTargets(Sequence(Required(end, "targets"), "endState.targets"), null, phases);
            }

            var infrastructure = new List<InfrastructureTarget>();
            if (Optional(root, "infrastructure") is { } infraNode)
            {
                foreach (var row in Sequence(infraNode, "infrastructure"))
                {
                    infrastructure.Add(ReadInfrastructure(Mapping(row, "an infrastructure row"), phases, infrastructure));
                }
            }
            return new RoadmapDefinition(phases, endState, infrastructure, FilePath);
        }

        private RoadmapPhase ReadPhase(YamlMappingNode node, List<RoadmapPhase> before)
        {
            Keys(node, "number", "name", "months", "targets");
            var numberNode = Required(node, "number");
            var number = Integer(numberNode, "number", 1, 99);
            var expected = before.Count == 0 ? 1 : before[^1].Number + 1;
            if (number != expected)
            {
                throw Error(numberNode, $"phase number {number} is out of order: expected {expected} (phases are numbered 1, 2, 3, ... in order)");
            }
            var name = Text(Required(node, "name"), "name");
            var monthsNode = Required(node, "months");
            var (first, last) = MonthRange(monthsNode);
            if (before.Count > 0 && first <= before[^1].LastMonth)
            {
                throw Error(monthsNode, $"months {first}-{last} overlap phase {before[^1].Number} (months {before[^1].FirstMonth}-{before[^1].LastMonth})");
            }
            var targets = ReadTargets(Sequence(Required(node, "targets"), "targets"), number, before);
            return new RoadmapPhase(number, name, first, last, targets);
        }

        private List<PhaseTarget> ReadTargets(YamlSequenceNode node, int? phase, List<RoadmapPhase> phasesBefore)
        {
            var targets = new List<PhaseTarget>();
            foreach (var item in node)
            {
                targets.Add(ReadTarget(Mapping(item, "a target"), phase, phasesBefore));
            }
            return targets;
        }

        private PhaseTarget ReadTarget(YamlMappingNode node, int? phase, List<RoadmapPhase> phasesBefore)
        {
            Keys(node, "id", "metric", "comparator", "threshold", "unit", "text", "baseline");
            var metricNode = Required(node, "metric");
            var metric = Text(metricNode, "metric");
            if (!KnownKpis.All.TryGetValue(metric, out var kpi))
            {
                throw Error(metricNode, $"unknown metric '{metric}'; accepted: {string.Join(", ", KnownKpis.All.Keys)}");
            }
            var comparatorNode = Required(node, "comparator");
            if (!TargetComparators.TryParse(Text(comparatorNode, "comparator"), out var comparator))
            {
                throw Error(comparatorNode, $"bad comparator '{((YamlScalarNode)comparatorNode).Value}'; accepted: {string.Join(", ", TargetComparators.Accepted)}");
            }
            var thresholdNode = Required(node, "threshold");
            var threshold = Number(thresholdNode, "threshold");
            var unitNode = Required(node, "unit");
            var unit = Text(unitNode, "unit");
            if (!kpi.Units.TryGetValue(unit, out var factor))
            {
                throw Error(unitNode, $"unit '{unit}' does not fit metric '{metric}'; accepted: {string.Join(", ", kpi.Units.Keys)}");
            }

            int? baseline = null;
            var baselineNode = Optional(node, "baseline");
            if (kpi.IsChange)
            {
                if (baselineNode is null)
                {
                    throw Error(node, $"metric '{metric}' is a change against a baseline: add 'baseline: <phase number>'");
                }
                baseline = Integer(baselineNode, "baseline", 1, 99);
                if (!phasesBefore.Any(p => p.Number == baseline) && baseline != phase)
                {
                    throw Error(baselineNode, $"baseline phase {baseline} is not a phase before this target");
                }
            }
            else if (baselineNode is not null)
            {
                throw Error(baselineNode, $"'baseline' applies only to change metrics ({string.Join(", ", KnownKpis.All.Values.Where(k => k.IsChange).Select(k => k.Id))})");
            }

            var id = Optional(node, "id") is { } idNode ? Text(idNode, "id") : $"{(phase is { } n ? $"p{n}" : "end")}.{metric}";
            if (!_targetIds.Add(id))
            {
                throw Error(node, $"target id '{id}' is used twice; give one of them an 'id'");
            }
            var text = Optional(node, "text") is { } textNode ? Text(textNode, "text") : $"{metric} {comparator.Symbol()} {threshold.ToString(CultureInfo.InvariantCulture)} {unit}";
            return new PhaseTarget(id, phase, metric, comparator, threshold * factor, kpi.Unit, text, baseline);
        }

        private InfrastructureTarget ReadInfrastructure(YamlMappingNode node, List<RoadmapPhase> phases, List<InfrastructureTarget> before)
        {
            Keys(node, "phase", "instances", "perRegion", "database", "cache", "cdn", "monthlyCostUsd");
            var phaseNode = Required(node, "phase");
            var phase = Integer(phaseNode, "phase", 1, 99);
            if (phases.All(p => p.Number != phase))
            {
                throw Error(phaseNode, $"phase {phase} is not one of the roadmap's phases (1 to {phases[^1].Number})");
            }
            if (before.Any(row => row.Phase == phase))
            {
                throw Error(phaseNode, $"phase {phase} has a second infrastructure row");
            }
            var perRegion = Optional(node, "perRegion") is { } regionNode && Boolean(regionNode, "perRegion");
            var cost = Number(Required(node, "monthlyCostUsd"), "monthlyCostUsd");
            if (cost < 0)
            {
                throw Error(node["monthlyCostUsd"], "monthlyCostUsd must not be negative");
            }
            return new InfrastructureTarget(
                phase,
                Integer(Required(node, "instances"), "instances", 1, 100_000),
                perRegion,
                Text(Required(node, "database"), "database"),
                Text(Required(node, "cache"), "cache"),
                Text(Required(node, "cdn"), "cdn"),
                (decimal)cost);
        }

        private (int First, int Last) MonthRange(YamlNode node)
        {
            var text = Text(node, "months");
            var parts = text.Split('-', StringSplitOptions.TrimEntries);
            if (parts.Length is 1 or 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
                && int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
                && first >= 1 && last >= first)
            {
                return (first, last);
            }
            throw Error(node, $"months '{text}' is not a range like '3-4' (first month 1 or later, last not before first)");
        }

        protected override Exception Refuse(string message) => new RoadmapException(message);
    }
}
