using System.Text;
using System.Text.Json;

namespace Observability.Collector.Query.Jaeger;

/// <summary>
/// The tag filters of a Jaeger trace search, in the forms jaeger-query accepts: <c>tags</c> as a JSON object
/// (<c>{"http.status_code":"500"}</c>) or in logfmt (<c>http.status_code=500 error=true</c>, values may be quoted),
/// and repeated <c>tag=key:value</c>.
/// </summary>
public static class JaegerTags
{
    /// <summary>Tags typed as text (logfmt or a JSON object); false with the reason when they do not parse.</summary>
    public static bool TryParse(string? tags, out IReadOnlyList<KeyValuePair<string, string>> parsed, out string error)
    {
        try
        {
            parsed = Parse(tags, []);
            error = "";
            return true;
        }
        catch (QueryParameterException refused)
        {
            parsed = [];
            error = refused.Message;
            return false;
        }
    }

    internal static List<KeyValuePair<string, string>> Parse(string? tags, IEnumerable<string?> tagParameters)
    {
        var parsed = new List<KeyValuePair<string, string>>();
        if (tags is not null)
        {
            parsed.AddRange(tags.TrimStart().StartsWith('{') ? ParseJson(tags) : ParseLogfmt(tags));
        }
        foreach (var tag in tagParameters)
        {
            var colon = tag?.IndexOf(':') ?? -1;
            if (tag is null || colon <= 0)
            {
                throw new QueryParameterException($"tag '{tag}' is not key:value");
            }
            parsed.Add(new(tag[..colon], tag[(colon + 1)..]));
        }
        return parsed;
    }

    private static List<KeyValuePair<string, string>> ParseJson(string tags)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(tags);
        }
        catch (JsonException error)
        {
            throw new QueryParameterException($"tags is not a JSON object of key to value ({error.Message}); use e.g. {{\"http.status_code\":\"500\"}} or http.status_code=500");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new QueryParameterException("tags is not a JSON object of key to value; use e.g. {\"http.status_code\":\"500\"}");
            }
            var parsed = new List<KeyValuePair<string, string>>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                    _ => throw new QueryParameterException($"tags: the value of '{property.Name}' must be a string, number or boolean"),
                };
                parsed.Add(new(property.Name, value));
            }
            return parsed;
        }
    }

    private static List<KeyValuePair<string, string>> ParseLogfmt(string tags)
    {
        var parsed = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (true)
        {
            while (i < tags.Length && char.IsWhiteSpace(tags[i]))
            {
                i++;
            }
            if (i == tags.Length)
            {
                return parsed;
            }
            var keyStart = i;
            while (i < tags.Length && tags[i] != '=' && !char.IsWhiteSpace(tags[i]))
            {
                i++;
            }
            var key = tags[keyStart..i];
            if (i == tags.Length || tags[i] != '=' || key.Length == 0)
            {
                throw new QueryParameterException($"tags: '{key}' is not key=value; use e.g. http.status_code=500 error=true, or a JSON object");
            }
            i++;
            var value = new StringBuilder();
            if (i < tags.Length && tags[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i == tags.Length)
                    {
                        throw new QueryParameterException($"tags: the quoted value of '{key}' has no closing quote");
                    }
                    if (tags[i] == '\\' && i + 1 < tags.Length)
                    {
                        value.Append(tags[i + 1]);
                        i += 2;
                        continue;
                    }
                    if (tags[i] == '"')
                    {
                        i++;
                        break;
                    }
                    value.Append(tags[i++]);
                }
            }
            else
            {
                while (i < tags.Length && !char.IsWhiteSpace(tags[i]))
                {
                    value.Append(tags[i++]);
                }
            }
            parsed.Add(new(key, value.ToString()));
        }
    }
}
