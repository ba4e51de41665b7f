namespace Observability.SampleWorkload.LoadGen.Measurement;

/// <summary>
/// What every virtual user's requests add up to: counts per outcome and a latency histogram, all updated lock-free.
/// The progress reporter reads snapshots; the difference of two is an interval.
/// </summary>
internal sealed class LoadStatistics
{
    private readonly long[] _outcomes = new long[RequestOutcomeNames.Count];
    private readonly LatencyHistogram _latency = new();

    /// <summary>Counts one finished request; latency is kept for requests that got an answer (of any status).</summary>
    public void Record(RequestOutcome outcome, long latencyMicroseconds)
    {
        Interlocked.Increment(ref _outcomes[(int)outcome]);
        if (outcome is RequestOutcome.Ok or RequestOutcome.ServerError or RequestOutcome.ClientError)
        {
            _latency.Record(latencyMicroseconds);
        }
    }

    public LoadSnapshot Snapshot(long timestamp)
    {
        var outcomes = new long[_outcomes.Length];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = Volatile.Read(ref _outcomes[i]);
        }
        return new LoadSnapshot(timestamp, outcomes, _latency.Snapshot());
    }
}

/// <summary>Counts so far at one moment (Stopwatch timestamp), or over an interval when made by <see cref="Since"/>.</summary>
internal sealed record LoadSnapshot(long Timestamp, long[] Outcomes, long[] LatencyCounts)
{
    public static LoadSnapshot Empty(long timestamp) =>
        new(timestamp, new long[RequestOutcomeNames.Count], new long[LatencyHistogram.BucketCount]);

    public long Requests => Outcomes.Sum();

    public long Errors => Requests - this[RequestOutcome.Ok];

    public long this[RequestOutcome outcome] => Outcomes[(int)outcome];

    public LoadSnapshot Since(LoadSnapshot earlier) => new(
        Timestamp,
        Outcomes.Zip(earlier.Outcomes, (later, before) => later - before).ToArray(),
        LatencyHistogram.Difference(LatencyCounts, earlier.LatencyCounts));

    public long? LatencyMicrosecondsAt(double percentile) => LatencyHistogram.ValueAtPercentile(LatencyCounts, percentile);
}
