using Observability.Core.Telemetry;

namespace Observability.Core.Rollups;

/// <summary>Where one rollup row lives: its resolution, bucket and key. A writer's rows are unique by it.</summary>
public readonly record struct SpanRollupRowKey(SpanRollupResolution Resolution, long BucketStartUnixNanos, SpanRollupKey Key);

/// <summary>
/// One writer's open rollup rows, kept in memory so that a commit upserts the merged row without reading it back.
/// Each row in memory equals the row this writer has committed: a row first touched since start-up (or since it was
/// evicted) is read from storage and merged, and the rows a failed transaction touched are dropped, to be read again.
/// Memory stays bounded: after a commit, rows of buckets that ended more than the open window before the newest
/// span seen are evicted, so a late span for one of them falls back to read, merge and write.
/// Not thread-safe: one writer uses it at a time.
/// </summary>
public sealed class SpanRollupCache(TimeProvider timeProvider, TimeSpan openWindow)
{
    /// <summary>How long after its end a bucket stays in memory, in ingest (span) time.</summary>
    public static readonly TimeSpan DefaultOpenWindow = TimeSpan.FromMinutes(2);

    // A span dated further ahead of the wall clock than this does not move the window: one bad client clock
    // must not make every later span look late.
    private static readonly long FutureSlackNanos = (long)TimeSpan.FromMinutes(10).TotalNanoseconds;

    private readonly Dictionary<SpanRollupRowKey, SpanRollup> _rows = [];
    private readonly long _openWindowNanos = (long)openWindow.TotalNanoseconds;
    private long _newestSpanUnixNanos = long.MinValue;
    private long _sweptAtUnixNanos = long.MinValue / 2;

    public SpanRollupCache() : this(TimeProvider.System, DefaultOpenWindow)
    {
    }

    /// <summary>Rows held in memory.</summary>
    public int Count => _rows.Count;

    /// <summary>The rows of <paramref name="increments"/> not in memory: the caller reads them from storage for <see cref="Merge"/>.</summary>
    public List<SpanRollupRowKey> Missing(SpanRollupIncrements increments)
    {
        var missing = new List<SpanRollupRowKey>();
        foreach (var row in increments.Rows.Keys)
        {
            if (!_rows.ContainsKey(row))
            {
                missing.Add(row);
            }
        }
        return missing;
    }

    /// <summary>
    /// Merges the increments into the rows in memory, starting a missing row from its stored form in
    /// <paramref name="stored"/> (absent when storage has none), and returns the merged rows to write.
    /// </summary>
    public List<KeyValuePair<SpanRollupRowKey, SpanRollup>> Merge(SpanRollupIncrements increments, IReadOnlyDictionary<SpanRollupRowKey, SpanRollup> stored)
    {
        var touched = new List<KeyValuePair<SpanRollupRowKey, SpanRollup>>(increments.Rows.Count);
        foreach (var (key, increment) in increments.Rows)
        {
            if (_rows.TryGetValue(key, out var row))
            {
                row.Merge(increment);
            }
            else if (stored.TryGetValue(key, out row))
            {
                row.Merge(increment);
                _rows[key] = row;
            }
            else
            {
                _rows[key] = row = increment;
            }
            touched.Add(new(key, row));
        }
        return touched;
    }

    /// <summary>The transaction that was to store these rows failed: forget them, so the next touch reads storage again.</summary>
    public void Discard(IEnumerable<KeyValuePair<SpanRollupRowKey, SpanRollup>> touched)
    {
        foreach (var (key, _) in touched)
        {
            _rows.Remove(key);
        }
    }

    /// <summary>Forgets every row; the next touch of each reads storage.</summary>
    public void Clear() => _rows.Clear();

    /// <summary>Forgets the rows of one resolution whose bucket starts before the cut-off (retention deleted them).</summary>
    public void DiscardBefore(string table, long cutoffUnixNanos)
    {
        foreach (var key in _rows.Keys.Where(key => key.Resolution.Table == table && key.BucketStartUnixNanos < cutoffUnixNanos).ToList())
        {
            _rows.Remove(key);
        }
    }

    /// <summary>Called once the increments' transaction committed: moves the open window and evicts what fell out of it.</summary>
    public void Committed(SpanRollupIncrements increments)
    {
        var limit = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000 + FutureSlackNanos;
        if (increments.NewestSpanUnixNanos <= limit && increments.NewestSpanUnixNanos > _newestSpanUnixNanos)
        {
            _newestSpanUnixNanos = increments.NewestSpanUnixNanos;
        }
        // Sweeping costs a pass over every row; once per second of ingest time is enough to bound memory.
        if (_newestSpanUnixNanos < _sweptAtUnixNanos + 1_000_000_000 && _rows.Count < 100_000)
        {
            return;
        }
        _sweptAtUnixNanos = _newestSpanUnixNanos;
        var openFrom = _newestSpanUnixNanos - _openWindowNanos;
        var evicted = new List<SpanRollupRowKey>();
        foreach (var key in _rows.Keys)
        {
            if (key.BucketStartUnixNanos + key.Resolution.WidthNanos < openFrom)
            {
                evicted.Add(key);
            }
        }
        foreach (var key in evicted)
        {
            _rows.Remove(key);
        }
    }
}

/// <summary>What one batch of spans adds to the rollup rows of every resolution, and its newest span.</summary>
public sealed class SpanRollupIncrements
{
    public Dictionary<SpanRollupRowKey, SpanRollup> Rows { get; } = [];

    public long NewestSpanUnixNanos { get; private set; } = long.MinValue;

    public bool IsEmpty => Rows.Count == 0;

    /// <summary>Each span counts once for its operation and once for its whole service, at every resolution.</summary>
    public static SpanRollupIncrements Of(IReadOnlyList<SpanRecord> spans)
    {
        var increments = new SpanRollupIncrements();
        foreach (var span in spans)
        {
            var operation = new SpanRollupKey(span.Resource.ServiceName, span.Name, span.Kind, span.StatusCode);
            var service = new SpanRollupKey(span.Resource.ServiceName, null, span.Kind, span.StatusCode);
            foreach (var resolution in SpanRollupResolutions.All)
            {
                var bucket = resolution.BucketOf(span.StartUnixNanos);
                increments.Add(new SpanRollupRowKey(resolution, bucket, operation), span);
                increments.Add(new SpanRollupRowKey(resolution, bucket, service), span);
            }
            increments.NewestSpanUnixNanos = Math.Max(increments.NewestSpanUnixNanos, span.StartUnixNanos);
        }
        return increments;
    }

    private void Add(SpanRollupRowKey key, SpanRecord span)
    {
        if (!Rows.TryGetValue(key, out var rollup))
        {
            Rows[key] = rollup = SpanRollup.Empty(key.BucketStartUnixNanos, key.Key);
        }
        rollup.Add(span);
    }
}
