using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Observability.Core.Alerting.Notifications;

/// <summary>
/// Writes Prometheus Alertmanager's webhook body (version "4"), field for field and in its order, so receivers built for
/// Alertmanager read it unchanged.
/// </summary>
public static class AlertmanagerPayload
{
    public const string Version = "4";
    public const string Firing = "firing";
    public const string Resolved = "resolved";

    /// <summary>The zero time Alertmanager sends as endsAt while an alert fires.</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>One alert of a notification.</summary>
    public sealed record PayloadAlert(
        string Status,
        IReadOnlyDictionary<string, string> Labels,
        IReadOnlyDictionary<string, string> Annotations,
        DateTimeOffset StartsAt,
        DateTimeOffset? EndsAt,
        string GeneratorUrl,
        string Fingerprint);

    /// <summary>"firing" when any alert fires, else "resolved", as Alertmanager's Alerts.Status().</summary>
    public static string StatusOf(IEnumerable<PayloadAlert> alerts) => alerts.Any(a => a.Status == Firing) ? Firing : Resolved;

    public static string Write(
        string receiver,
        string groupKey,
        IReadOnlyDictionary<string, string> groupLabels,
        IReadOnlyList<PayloadAlert> alerts,
        string externalUrl)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("receiver", receiver);
            json.WriteString("status", StatusOf(alerts));
            json.WriteStartArray("alerts");
            foreach (var alert in alerts)
            {
                json.WriteStartObject();
                json.WriteString("status", alert.Status);
                WriteLabels(json, "labels", alert.Labels);
                WriteLabels(json, "annotations", alert.Annotations);
                json.WriteString("startsAt", Rfc3339(alert.StartsAt));
                json.WriteString("endsAt", alert.EndsAt is { } ends ? Rfc3339(ends) : ZeroTime);
                json.WriteString("generatorURL", alert.GeneratorUrl);
                json.WriteString("fingerprint", alert.Fingerprint);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteLabels(json, "groupLabels", groupLabels);
            WriteLabels(json, "commonLabels", Common(alerts.Select(a => a.Labels)));
            WriteLabels(json, "commonAnnotations", Common(alerts.Select(a => a.Annotations)));
            json.WriteString("externalURL", externalUrl);
            json.WriteString("version", Version);
            json.WriteString("groupKey", groupKey);
            // Every alert of the group is sent: there is no max_alerts setting to truncate by.
            json.WriteNumber("truncatedAlerts", 0);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Go's RFC 3339 with nanoseconds as Alertmanager marshals a time: UTC, trailing zeros of the fraction dropped.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>Pairs that every set has with the same value (Alertmanager's commonLabels / commonAnnotations).</summary>
    public static IReadOnlyDictionary<string, string> Common(IEnumerable<IReadOnlyDictionary<string, string>> sets)
    {
        Dictionary<string, string>? common = null;
        foreach (var set in sets)
        {
            if (common is null)
            {
                common = new Dictionary<string, string>(set, StringComparer.Ordinal);
                continue;
            }
            foreach (var (name, value) in common.ToList())
            {
                if (!set.TryGetValue(name, out var other) || other != value)
                {
                    common.Remove(name);
                }
            }
        }
        return common ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>Labels sorted by name, as Go's encoding/json writes a map, so equal content gives equal bytes.</summary>
    private static void WriteLabels(Utf8JsonWriter json, string property, IReadOnlyDictionary<string, string> labels)
    {
        json.WriteStartObject(property);
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            json.WriteString(name, value);
        }
        json.WriteEndObject();
    }
}
