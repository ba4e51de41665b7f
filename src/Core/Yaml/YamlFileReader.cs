using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Observability.Core.Yaml;

/// <summary>
/// Reads a YAML file's nodes for a loader (the roadmap, the alert rules), every refusal naming the file, line and column
/// of the node at fault: "alerts.yaml:14:18: bad duration ...". A loader supplies its own exception type.
/// </summary>
internal abstract class YamlFileReader(string path)
{
    /// <summary>The file being read, as its errors name it.</summary>
    protected string FilePath { get; } = path;

    protected abstract Exception Refuse(string message);

    protected Exception Error(YamlNode node, string problem) => Refuse($"{FilePath}:{node.Start.Line}:{node.Start.Column}: {problem}");

    /// <summary>Refuses a key the mapping may not hold, listing those it may.</summary>
    protected void Keys(YamlMappingNode node, params string[] accepted)
    {
        foreach (var key in node.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!accepted.Contains(name, StringComparer.Ordinal))
            {
                throw Error(key, $"unknown key '{name}'; accepted here: {string.Join(", ", accepted)}");
            }
        }
    }

    protected static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" or "~" or "null" };

    protected YamlNode Required(YamlMappingNode node, string key) =>
        Optional(node, key) ?? throw Error(node, $"missing '{key}'");

    protected static YamlNode? Optional(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    protected YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"expected {what} as a mapping of keys to values");

    protected YamlSequenceNode Sequence(YamlNode node, string key) =>
        node as YamlSequenceNode ?? throw Error(node, $"'{key}' must be a list");

    protected string Text(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: { } value } && value.Trim().Length > 0)
        {
            return value.Trim();
        }
        throw Error(node, $"'{key}' must be a non-empty text");
    }

    protected double Number(YamlNode node, string key)
    {
        var text = Text(node, key);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }
        throw Error(node, $"'{key}' must be a number, not '{text}'");
    }

    protected int Integer(YamlNode node, string key, int min, int max)
    {
        var text = Text(node, key);
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        throw Error(node, $"'{key}' must be a whole number from {min} to {max}, not '{text}'");
    }

    protected bool Boolean(YamlNode node, string key) => Text(node, key) switch
    {
        "true" => true,
        "false" => false,
        var other => throw Error(node, $"'{key}' must be true or false, not '{other}'"),
    };
}
