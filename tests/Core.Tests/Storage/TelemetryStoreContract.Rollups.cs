using Observability.Core.Rollups;
using Observability.Core.Storage;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;

namespace Observability.Core.Tests.Storage;

/// <summary>
/// Rollups stay exact whatever the writer holds in memory: across restarts, for late spans of buckets it evicted,
/// after a failed transaction, and with commits in flight side by side.
/// </summary>
public abstract partial class TelemetryStoreContract
{
    private const long NanosPerSecond = 1_000_000_000;

    [Fact]
    public async Task Rollups_count_every_span_committed_before_and_after_a_restart()
    {
        await using (var first = await OpenAsync("restart"))
        {
            await WriteSpansAsync(first, durationsMilliseconds: [10, 20], offsetSeconds: 1);
            await WriteSpansAsync(first, durationsMilliseconds: [30], offsetSeconds: 2);
        }
        await using var second = await OpenAsync("restart");

        await WriteSpansAsync(second, durationsMilliseconds: [40, 50], offsetSeconds: 3);

        await AssertRollupsAsync(second, [10, 20, 30, 40, 50]);
    }

    [Fact]
    public async Task A_late_span_for_a_bucket_the_writer_evicted_is_added_to_its_stored_row()
    {
        await using var store = await OpenAsync("late_rollup");
        await WriteSpansAsync(store, durationsMilliseconds: [10], offsetSeconds: 1);
        // Ten minutes of newer spans close the first bucket, and the writer lets go of it.
        for (var minute = 1; minute <= 10; minute++)
        {
            await WriteSpansAsync(store, durationsMilliseconds: [1000], offsetSeconds: 3600 + minute * 60);
        }

        await WriteSpansAsync(store, durationsMilliseconds: [20], offsetSeconds: 2);

        await AssertRollupsAsync(store, [10, 20], toSeconds: 3600);
    }

    [Fact]
    public async Task A_failed_batch_leaves_no_trace_in_the_rollups()
    {
        await using var store = await OpenAsync("failed_rollup");
        await WriteSpansAsync(store, durationsMilliseconds: [10], offsetSeconds: 1);
        var failing = SpansBatch([999, 999], offsetSeconds: 1);
        // A metric point without a name breaks a NOT NULL column after the spans' rollups were merged.
        failing.MetricPoints.Add(TelemetryBuilder.MetricPointsOfEveryType().First() with { MetricName = null! });

        await Assert.ThrowsAnyAsync<Exception>(() => store.WriteAsync(failing, CancellationToken.None));
        await WriteSpansAsync(store, durationsMilliseconds: [20], offsetSeconds: 1);

        await AssertRollupsAsync(store, [10, 20]);
    }

    [Fact]
    public async Task Concurrent_writes_lose_no_rollup_counts()
    {
        await using var store = await OpenAsync("concurrent_rollup");
        var durations = Enumerable.Range(1, 8).Select(writer => Enumerable.Range(0, 25).Select(i => (double)(writer * 100 + i)).ToArray()).ToList();

        await Task.WhenAll(durations.Select(batch => Task.Run(() => WriteSpansAsync(store, batch, offsetSeconds: 1))));
        await Task.WhenAll(durations.Select(batch => Task.Run(() => WriteSpansAsync(store, batch, offsetSeconds: 2))));

        await AssertRollupsAsync(store, [.. durations.SelectMany(batch => batch), .. durations.SelectMany(batch => batch)]);
    }

    private static TelemetryBatch SpansBatch(double[] durationsMilliseconds, long offsetSeconds)
    {
        var batch = new TelemetryBatch();
        foreach (var duration in durationsMilliseconds)
        {
            var span = TelemetryBuilder.Span(startOffsetNanos: offsetSeconds * NanosPerSecond);
            batch.Spans.Add(span with { EndUnixNanos = span.StartUnixNanos + (long)(duration * 1_000_000) });
        }
        return batch;
    }

    private static Task WriteSpansAsync(ITelemetryStore store, double[] durationsMilliseconds, long offsetSeconds) =>
        store.WriteAsync(SpansBatch(durationsMilliseconds, offsetSeconds), CancellationToken.None);

    /// <summary>At every resolution, for the operation and for the whole service: one bucket holding exactly these spans.</summary>
    private static async Task AssertRollupsAsync(ITelemetryStore store, double[] expectedMilliseconds, long toSeconds = 10)
    {
        var sorted = expectedMilliseconds.Order().ToArray();
        var from = TelemetryBuilder.BaseTimeUnixNanos;
        foreach (var resolution in SpanRollupResolutions.All)
        {
            foreach (var operation in new[] { "GET /orders/{id}", null })
            {
                var query = new SpanRollupQuery(resolution, from, from + toSeconds * NanosPerSecond, "checkout", operation);
                var rollup = Assert.Single(await store.GetSpanRollupsAsync(query, CancellationToken.None));
                Assert.Equal(sorted.Length, rollup.RequestCount);
                Assert.Equal(sorted.Length, rollup.ErrorCount);
                var sketch = rollup.DurationsMilliseconds;
                Assert.Equal(sorted.Length, sketch.Count);
                Assert.Equal(sorted[0], sketch.Min, 6);
                Assert.Equal(sorted[^1], sketch.Max, 6);
                Assert.Equal(sorted.Sum(), sketch.Sum, 6);
            }
        }
    }
}
