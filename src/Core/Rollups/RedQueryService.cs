using Observability.Core.Rollups;
using Observability.Core.Sketches;
using Observability.Core.Telemetry;

namespace Observability.Core.Rollups;

/// <summary>Rate, errors and duration of one step, or of a whole window.</summary>
/// <param name="Time">The start of the step (UTC), written as RFC 3339 with a Z like the other query endpoints.</param>
public sealed record RedPoint(
    DateTime Time,
    long Requests,
    long Errors,
    double RequestRatePerSecond,
    double? ErrorRatio,
    double? P50Ms,
    double? P90Ms,
    double? P95Ms,
    double? P99Ms);

/// <summary>One service's figures for a whole window.</summary>
public sealed record ServiceRed(string Service, RedPoint Red);

/// <summary>
/// RED figures from the span rollups: a percentile over any window is a merge of rollup sketches, never a scan of
/// raw spans.
/// </summary>
public sealed class RedQueryService(ISpanRollupReader rollups)
{
    /// <summary>Entry spans: what a service was asked to do, as opposed to what it asked of others.</summary>
    public static readonly IReadOnlyCollection<SpanKind> DefaultKinds = [SpanKind.Server, SpanKind.Consumer];

    /// <summary>
    /// One point per step for a service (all its operations, or one). The window is aligned to the step, which must
    /// be a multiple of 10 seconds, so each step is read from the coarsest rollups that fit it.
    /// </summary>
    public async Task<IReadOnlyList<RedPoint>> SeriesAsync(
        string service, string? operation, IReadOnlyCollection<SpanKind>? kinds, DateTimeOffset from, DateTimeOffset to, TimeSpan step,
        CancellationToken cancellationToken)
    {
        var resolution = RollupCover.ResolutionForStep(step) ?? throw new ArgumentException("step must be a multiple of 10s", nameof(step));
        var stepNanos = step.Ticks * 100;
        var alignedFrom = Floor(ToUnixNanos(from), stepNanos);
        var alignedTo = Floor(ToUnixNanos(to) + stepNanos - 1, stepNanos);
        var rows = await rollups.GetSpanRollupsAsync(
            new SpanRollupQuery(resolution, alignedFrom, alignedTo, service, operation, kinds), cancellationToken);

        // Rows come ordered by bucket, so steps fill one after another and one sketch serves them all in turn.
        var steps = (int)((alignedTo - alignedFrom) / stepNanos);
        var points = new RedPoint[steps];
        var accumulator = new Accumulator();
        var current = 0;
        foreach (var row in rows)
        {
            var index = (int)((row.BucketStartUnixNanos - alignedFrom) / stepNanos);
            while (current < index)
            {
                points[current] = accumulator.ToPoint(FromUnixNanos(alignedFrom + current * stepNanos), step);
                accumulator.Clear();
                current++;
            }
            accumulator.Add(row);
        }
        for (; current < steps; current++)
        {
            points[current] = accumulator.ToPoint(FromUnixNanos(alignedFrom + current * stepNanos), step);
            accumulator.Clear();
        }
        return points;
    }

    /// <summary>One entry per service that had spans of the given kinds in [from, to), busiest first.</summary>
    public async Task<IReadOnlyList<ServiceRed>> ServicesAsync(
        IReadOnlyCollection<SpanKind>? kinds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var byService = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        foreach (var segment in RollupCover.Segments(ToUnixNanos(from), ToUnixNanos(to)))
        {
            var rows = await rollups.GetSpanRollupsAsync(
                new SpanRollupQuery(segment.Resolution, segment.FromUnixNanos, segment.ToUnixNanos, Kinds: kinds), cancellationToken);
            foreach (var row in rows)
            {
                if (!byService.TryGetValue(row.Key.ServiceName, out var accumulator))
                {
                    byService[row.Key.ServiceName] = accumulator = new Accumulator();
                }
                accumulator.Add(row);
            }
        }
        return [.. byService
            .Select(pair => new ServiceRed(pair.Key, pair.Value.ToPoint(from, to - from)))
            .OrderByDescending(service => service.Red.Requests)
            .ThenBy(service => service.Service, StringComparer.Ordinal)];
    }

    /// <summary>
    /// One point for the whole window [from, to): for one service or (null) every service together, with the sketches
    /// of every row merged, so the percentile is over all the window's spans.
    /// </summary>
    public Task<RedPoint> WindowAsync(
        string? service, IReadOnlyCollection<SpanKind>? kinds, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        WindowAsync(service, null, kinds, from, to, cancellationToken);

    /// <summary>One point for the whole window [from, to) for one operation of a service (or, null, all its operations).</summary>
    public async Task<RedPoint> WindowAsync(
        string? service, string? operation, IReadOnlyCollection<SpanKind>? kinds, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        var accumulator = new Accumulator();
        foreach (var segment in RollupCover.Segments(ToUnixNanos(from), ToUnixNanos(to)))
        {
            var rows = await rollups.GetSpanRollupsAsync(
                new SpanRollupQuery(segment.Resolution, segment.FromUnixNanos, segment.ToUnixNanos, service, operation, kinds), cancellationToken);
            foreach (var row in rows)
            {
                accumulator.Add(row);
            }
        }
        return accumulator.ToPoint(from, to - from);
    }

    private static long ToUnixNanos(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static DateTimeOffset FromUnixNanos(long unixNanos) => DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100);

    private static long Floor(long value, long step) => value - (((value % step) + step) % step);

    private sealed class Accumulator
    {
        private readonly LatencySketch _durations = new(maxScale: SpanRollup.SketchMaxScale);
        private long _requests;
        private long _errors;

        public void Add(SpanRollup row)
        {
            _requests += row.RequestCount;
            _errors += row.ErrorCount;
            row.MergeDurationsInto(_durations);
        }

        /// <summary>Empties the accumulator but keeps its sketch's arrays for the next step.</summary>
        public void Clear()
        {
            _requests = 0;
            _errors = 0;
            _durations.Clear();
        }

        public RedPoint ToPoint(DateTimeOffset time, TimeSpan window) => new(
            time.UtcDateTime,
            _requests,
            _errors,
            _requests / window.TotalSeconds,
            _requests == 0 ? null : (double)_errors / _requests,
            Quantile(0.50),
            Quantile(0.90),
            Quantile(0.95),
            Quantile(0.99));

        private double? Quantile(double q) => _durations.Count == 0 ? null : _durations.Quantile(q);
    }
}
