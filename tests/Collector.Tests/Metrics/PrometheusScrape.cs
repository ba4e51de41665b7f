using System.Globalization;
using System.Text;

namespace Observability.Collector.Tests.Metrics;

/// <summary>One sample line of the Prometheus text format.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>The series as Prometheus writes it, labels sorted by name: <c>name{a="1",b="2"}</c>.</summary>
    public string Series => Format(Name, Labels);

    public static string Format(string name, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var sorted = labels.OrderBy(label => label.Key, StringComparer.Ordinal).Select(label => $"{label.Key}=\"{label.Value}\"").ToList();
        return sorted.Count == 0 ? name : $"{name}{{{string.Join(",", sorted)}}}";
    }
}

/// <summary>A scrape of /metrics in the Prometheus text format (0.0.4), parsed into samples and metric families.</summary>
public sealed class PrometheusScrape
{
    private PrometheusScrape(string text, IReadOnlyList<PrometheusSample> samples, IReadOnlyDictionary<string, string> types)
    {
        Text = text;
        Samples = samples;
        Types = types;
    }

    public string Text { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Metric family name to its # TYPE (counter, gauge, histogram, summary, untyped).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Every series whose name starts with <paramref name="prefix"/>, as series text to value.</summary>
    public Dictionary<string, double> SeriesStartingWith(string prefix) =>
        Samples.Where(sample => sample.Name.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(sample => sample.Series, sample => sample.Value);

    /// <summary>The value of the series with exactly these labels, or null when it is not exposed.</summary>
    public double? Value(string name, params (string Name, string Value)[] labels)
    {
        var series = PrometheusSample.Format(name, labels.Select(label => KeyValuePair.Create(label.Name, label.Value)));
        return Samples.FirstOrDefault(sample => sample.Series == series)?.Value;
    }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ', 2);
                types[parts[0]] = parts[1];
                continue;
            }
            if (line.StartsWith('#'))
            {
                continue;
            }
            samples.Add(ParseSample(line));
        }
        return new PrometheusScrape(text, samples, types);
    }

    private static PrometheusSample ParseSample(string line)
    {
        var nameEnd = line.IndexOfAny(['{', ' ']);
        var name = line[..nameEnd];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var at = nameEnd;
        if (line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                var equals = line.IndexOf('=', at);
                var labelName = line[at..equals].Trim();
                at = equals + 2; // past ="
                var value = new StringBuilder();
                while (line[at] != '"')
                {
                    if (line[at] == '\\')
                    {
                        at++;
                        value.Append(line[at] == 'n' ? '\n' : line[at]);
                    }
                    else
                    {
                        value.Append(line[at]);
                    }
                    at++;
                }
                labels[labelName] = value.ToString();
                at++; // past the closing quote
                if (line[at] == ',')
                {
                    at++;
                }
            }
            at++; // past }
        }
        var valueText = line[at..].Trim().Split(' ')[0];
        var number = valueText switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, number);
    }
}
