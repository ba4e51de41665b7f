using System.Diagnostics;
using Observability.Bench.LoadGenerator.Exporters;
using Observability.Bench.LoadGenerator.Measurement;
using Observability.Bench.LoadGenerator.Payloads;

namespace Observability.Bench.LoadGenerator;

/// <summary>
/// Runs the exporters through warm-up and the measured window, samples the watched processes once a second, and
/// sums it all up. Exports are counted by when they completed (accepted spans, latency, errors) or started
/// (offered spans) inside the window the first and last samples bound, so counts and CPU cover the same time.
/// </summary>
internal sealed class LoadRunner(LoadOptions options, PayloadPool pool)
{
    /// <summary>Longest pause an exporter takes when the receiver asks it to retry later.</summary>
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>Pause after a failure that came without a retry delay (connection refused, say), so a dead receiver is not hammered.</summary>
    private static readonly TimeSpan FailurePause = TimeSpan.FromMilliseconds(100);

    private readonly record struct ExportRecord(long StartTimestamp, long EndTimestamp, int Spans, long RejectedSpans, string Outcome);

    private long _tickets;

    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var exporters = Enumerable.Range(0, options.Exporters).Select(_ => CreateExporter()).ToArray();
        var records = exporters.Select(_ => new List<ExportRecord>()).ToArray();
        var sampler = new ProcessSampler(options.Processes);
        try
        {
            var startedAt = DateTimeOffset.UtcNow;
            var start = Stopwatch.GetTimestamp();
            var measureStart = start + Ticks(options.Warmup);
            var measureEnd = measureStart + Ticks(options.Duration);
            var samples = SampleAsync(sampler, measureStart, measureEnd, cancellationToken);
            var runs = exporters.Select((exporter, i) => RunExporterAsync(exporter, records[i], start, measureEnd, cancellationToken)).ToArray();
            var readings = await samples;
            await Task.WhenAll(runs);
            return Summarize(startedAt, readings, records.SelectMany(list => list).ToList());
        }
        finally
        {
            foreach (var exporter in exporters)
            {
                exporter.Dispose();
            }
        }
    }

    private ITraceExporter CreateExporter() => options.Protocol == OtlpProtocol.Grpc
        ? new GrpcTraceExporter(options.ExportUri, options.ApiKeyHeader, options.ApiKey, options.ExportTimeout)
        : new HttpTraceExporter(options.ExportUri, options.ApiKeyHeader, options.ApiKey, options.ExportTimeout);

    private async Task RunExporterAsync(ITraceExporter exporter, List<ExportRecord> records, long start, long measureEnd, CancellationToken cancellationToken)
    {
        // Paced: exports are due at fixed intervals shared by all exporters; one that falls behind sends at once.
        var interval = options.RateSpansPerSecond > 0 ? Stopwatch.Frequency * options.SpansPerExport / options.RateSpansPerSecond : 0;
        await Task.Yield();
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            if (interval > 0)
            {
                var due = start + (long)(Interlocked.Increment(ref _tickets) * interval);
                if (due >= measureEnd)
                {
                    return;
                }
                if (due > now)
                {
                    await Pause(Stopwatch.GetElapsedTime(now, due), cancellationToken);
                }
            }
            else if (now >= measureEnd)
            {
                return;
            }

            var payload = pool.Rent();
            ExportResult result;
            var sent = Stopwatch.GetTimestamp();
            try
            {
                result = await exporter.ExportAsync(payload.Bytes, cancellationToken);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // An answer the exporter could not make sense of is counted like any other failure.
                result = new ExportResult($"{error.GetType().Name}", 0, null);
            }
            finally
            {
                pool.Return(payload);
            }
            var ended = Stopwatch.GetTimestamp();
            records.Add(new ExportRecord(sent, ended, payload.SpanCount, result.RejectedSpans, result.Outcome));

            if (!result.IsOk)
            {
                // As an SDK would: honour the receiver's retry delay. The export is not sent again, the next one is as good.
                var pause = result.RetryAfter is { } delay ? (delay > MaxBackoff ? MaxBackoff : delay) : FailurePause;
                var left = Stopwatch.GetElapsedTime(ended, measureEnd);
                await Pause(pause < left ? pause : left, cancellationToken);
            }
        }
    }

    private static async Task Pause(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One reading at the start of the window, one per second, one at its end.</summary>
    private async Task<List<MachineReading>> SampleAsync(ProcessSampler sampler, long measureStart, long measureEnd, CancellationToken cancellationToken)
    {
        var readings = new List<MachineReading>();
        for (var next = measureStart; ; next = Math.Min(next + Stopwatch.Frequency, measureEnd))
        {
            await Pause(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next), cancellationToken);
            readings.Add(sampler.Read(Stopwatch.GetTimestamp()));
            if (next >= measureEnd || cancellationToken.IsCancellationRequested)
            {
                return readings;
            }
        }
    }

    private RunSummary Summarize(DateTimeOffset startedAt, List<MachineReading> readings, List<ExportRecord> records)
    {
        var first = readings[0];
        var last = readings[^1];
        var seconds = Stopwatch.GetElapsedTime(first.Timestamp, last.Timestamp).TotalSeconds;
        bool InWindow(long timestamp) => timestamp >= first.Timestamp && timestamp <= last.Timestamp;

        var started = records.Where(record => InWindow(record.StartTimestamp)).ToList();
        var completed = records.Where(record => InWindow(record.EndTimestamp)).ToList();
        var ok = completed.Where(record => record.Outcome == ExportResult.Ok).ToList();
        var latencies = completed.Select(record => Stopwatch.GetElapsedTime(record.StartTimestamp, record.EndTimestamp).TotalMilliseconds).Order().ToArray();

        var perSecond = new List<SecondSummary>();
        for (var i = 1; i < readings.Count; i++)
        {
            var (from, to) = (readings[i - 1], readings[i]);
            var length = Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds;
            perSecond.Add(new SecondSummary(
                i,
                ok.Where(record => record.EndTimestamp > from.Timestamp && record.EndTimestamp <= to.Timestamp).Sum(record => record.Spans - record.RejectedSpans),
                [.. to.Processes.Select((process, p) => Math.Round((process.CpuTicks - from.Processes[p].CpuTicks) / (double)ProcessSampler.TicksPerSecond / length, 3))]));
        }

        return new RunSummary
        {
            Label = options.Label,
            Protocol = options.Protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf",
            Endpoint = options.ExportUri.ToString(),
            StartedAt = startedAt,
            Exporters = options.Exporters,
            SpansPerExport = options.SpansPerExport,
            DistinctPayloads = pool.Count,
            PayloadBytes = Math.Round(pool.AverageBytes),
            TargetSpansPerSecond = options.RateSpansPerSecond,
            WarmupSeconds = options.Warmup.TotalSeconds,
            MeasuredSeconds = Math.Round(seconds, 3),
            ExportsStarted = started.Count,
            ExportsCompleted = completed.Count,
            ExportsOk = ok.Count,
            OfferedSpansPerSecond = Math.Round(started.Sum(record => (long)record.Spans) / seconds, 1),
            AcceptedSpansPerSecond = Math.Round(ok.Sum(record => record.Spans - record.RejectedSpans) / seconds, 1),
            PartiallyRejectedSpans = ok.Sum(record => record.RejectedSpans),
            LatencyMs = latencies.Length == 0
                ? new LatencySummary(0, 0, 0, 0, 0)
                : new LatencySummary(Round(Percentile(latencies, 0.50)), Round(Percentile(latencies, 0.90)), Round(Percentile(latencies, 0.99)), Round(latencies[^1]), Round(latencies.Average())),
            Errors = new SortedDictionary<string, long>(completed
                .Where(record => record.Outcome != ExportResult.Ok)
                .GroupBy(record => record.Outcome)
                .ToDictionary(group => group.Key, group => (long)group.Count())),
            Processes = [.. options.Processes.Select((process, p) =>
            {
                var cpuSeconds = (last.Processes[p].CpuTicks - first.Processes[p].CpuTicks) / (double)ProcessSampler.TicksPerSecond;
                return new ProcessSummary(
                    process.Name,
                    process.Pid,
                    Math.Round(cpuSeconds, 2),
                    Math.Round(cpuSeconds / seconds, 3),
                    last.Processes[p].PeakRssBytes,
                    readings.Max(reading => reading.Processes[p].TreePssBytes),
                    last.Processes[p].Processes);
            })],
            GeneratorCpuSeconds = Math.Round((last.OwnCpuTicks - first.OwnCpuTicks) / (double)ProcessSampler.TicksPerSecond, 2),
            MachineBusyCores = last.TotalTicks == first.TotalTicks
                ? 0
                : Math.Round((last.BusyTicks - first.BusyTicks) / (double)(last.TotalTicks - first.TotalTicks) * Environment.ProcessorCount, 3),
            MachineCores = Environment.ProcessorCount,
            TotalAcceptedSpans = records.Where(record => record.Outcome == ExportResult.Ok).Sum(record => record.Spans - record.RejectedSpans),
            StoredBytes = options.DataPath is { } path ? SizeOf(path) : null,
            PerSecond = [.. perSecond],
        };
    }

    private static long SizeOf(string path) => File.Exists(path)
        ? new FileInfo(path).Length
        : Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length) : 0;

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Round(double value) => Math.Round(value, 2);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
