using System.Globalization;
using System.Text;

namespace Observability.Core.Alerting.Rules;

/// <summary>
/// An alert's identity: FNV-1a 64 over the label set sorted by name, each name and value followed by a 0xFF byte, as
/// Prometheus's <c>model.LabelSet.Fingerprint</c> computes it, written as 16 hex digits the way Alertmanager shows it.
/// The same labels give the same fingerprint here and in Alertmanager, so receivers that key on it keep working.
/// </summary>
public static class AlertFingerprint
{
    private const ulong Offset = 14695981039346656037;
    private const ulong Prime = 1099511628211;
    private const byte Separator = 0xFF;

    public static string Of(IReadOnlyDictionary<string, string> labels) =>
        Hash(labels).ToString("x16", CultureInfo.InvariantCulture);

    public static ulong Hash(IReadOnlyDictionary<string, string> labels)
    {
        var hash = Offset;
        foreach (var name in labels.Keys.Order(StringComparer.Ordinal))
        {
            hash = Add(hash, name);
            hash = Add(hash, Separator);
            hash = Add(hash, labels[name]);
            hash = Add(hash, Separator);
        }
        return hash;
    }

    private static ulong Add(ulong hash, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = Add(hash, b);
        }
        return hash;
    }

    private static ulong Add(ulong hash, byte b) => (hash ^ b) * Prime;
}
