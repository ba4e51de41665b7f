namespace Observability.Collector.Otlp;

/// <summary>
/// Items of one export refused one by one (the rest of the export is stored), by reason, with the first example
/// of each reason for the partial-success message.
/// </summary>
internal sealed class OtlpRejections(string itemNoun)
{
    private readonly Dictionary<string, (int Count, string Example)> _byReason = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    public IEnumerable<KeyValuePair<string, int>> CountsByReason => _byReason.Select(p => KeyValuePair.Create(p.Key, p.Value.Count));

    public void Add(string reason, string example, int items = 1)
    {
        Count += items;
        _byReason[reason] = _byReason.TryGetValue(reason, out var existing) ? (existing.Count + items, existing.Example) : (items, example);
    }

    /// <summary>For example "2 of the spans rejected: invalid_trace_id x2 (span 'GET /': trace_id must be 16 bytes, got 8)".</summary>
    public string Message => Count == 0
        ? ""
        : $"{Count} of the {itemNoun} rejected: " + string.Join("; ", _byReason.Select(p => $"{p.Key} x{p.Value.Count} ({p.Value.Example})"));
}
