using Observability.Core.Sketches;
using Observability.Core.Telemetry;

namespace Observability.Core.Rollups;

/// <summary>
/// What a rollup row aggregates: one operation of one service, or with a null <paramref name="Operation"/> all
/// operations of the service, by span kind and status.
/// </summary>
public sealed record SpanRollupKey(string ServiceName, string? Operation, SpanKind Kind, SpanStatusCode StatusCode);

/// <summary>
/// Requests, errors and a mergeable latency sketch (milliseconds) for one key in one bucket. Rollups of any
/// bucket width, from any number of Collector processes, merge without losing accuracy.
/// </summary>
public sealed class SpanRollup
{
    private LatencySketch? _durations;
    private byte[]? _stored;

    public SpanRollup(long bucketStartUnixNanos, SpanRollupKey key, long requestCount, long errorCount, LatencySketch durationsMilliseconds)
    {
        BucketStartUnixNanos = bucketStartUnixNanos;
        Key = key;
        RequestCount = requestCount;
        ErrorCount = errorCount;
        _durations = durationsMilliseconds;
    }

    /// <summary>A row read from storage; its sketch stays in stored form until someone needs it as an object.</summary>
    public SpanRollup(long bucketStartUnixNanos, SpanRollupKey key, long requestCount, long errorCount, byte[] storedSketch)
    {
        BucketStartUnixNanos = bucketStartUnixNanos;
        Key = key;
        RequestCount = requestCount;
        ErrorCount = errorCount;
        _stored = storedSketch;
    }

    /// <summary>
    /// Scale 7: quantiles within 0.27%, well inside the 1% the rollups promise, at about half the bytes per row of
    /// the sketch's finest default.
    /// </summary>
    public const int SketchMaxScale = 7;

    public long BucketStartUnixNanos { get; }

    public SpanRollupKey Key { get; }

    public long RequestCount { get; private set; }

    public long ErrorCount { get; private set; }

    public LatencySketch DurationsMilliseconds
    {
        get
        {
            if (_durations is null)
            {
                _durations = LatencySketch.FromBytes(_stored);
                _stored = null;
            }
            return _durations;
        }
    }

    public static SpanRollup Empty(long bucketStartUnixNanos, SpanRollupKey key) =>
        new(bucketStartUnixNanos, key, 0, 0, new LatencySketch(maxScale: SketchMaxScale));

    /// <summary>Adds this row's durations to <paramref name="target"/>, straight from the stored bytes when it has them.</summary>
    public void MergeDurationsInto(LatencySketch target)
    {
        if (_durations is null)
        {
            target.MergeBytes(_stored);
        }
        else
        {
            target.Merge(_durations);
        }
    }

    public void Add(SpanRecord span)
    {
        RequestCount++;
        if (span.StatusCode == SpanStatusCode.Error)
        {
            ErrorCount++;
        }
        DurationsMilliseconds.Add(Math.Max(span.DurationNanos, 0) / 1_000_000.0);
    }

    public void Merge(SpanRollup other)
    {
        RequestCount += other.RequestCount;
        ErrorCount += other.ErrorCount;
        other.MergeDurationsInto(DurationsMilliseconds);
    }
}
