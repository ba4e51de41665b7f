using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Observability.Bench.LoadGenerator.Measurement;

/// <summary>Export latency over the measured window, in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double Max, double Mean);

/// <summary>CPU and memory of one watched process tree over the measured window.</summary>
public sealed record ProcessSummary(string Name, int Pid, double CpuSeconds, double CpuCores, long PeakRssBytes, long PeakTreePssBytes, int Processes);

/// <summary>One second of the measured window.</summary>
public sealed record SecondSummary(int Second, long AcceptedSpans, double[] ProcessCpuCores);

/// <summary>The result of one load run, printed and written as JSON.</summary>
public sealed record RunSummary
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public required string Label { get; init; }
    public required string Protocol { get; init; }
    public required string Endpoint { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required int Exporters { get; init; }
    public required int SpansPerExport { get; init; }
    public required int DistinctPayloads { get; init; }
    public required double PayloadBytes { get; init; }
    /// <summary>0 when flat out.</summary>
    public required double TargetSpansPerSecond { get; init; }
    public required double WarmupSeconds { get; init; }
    public required double MeasuredSeconds { get; init; }
    public required long ExportsStarted { get; init; }
    public required long ExportsCompleted { get; init; }
    public required long ExportsOk { get; init; }
    public required double OfferedSpansPerSecond { get; init; }
    public required double AcceptedSpansPerSecond { get; init; }
    /// <summary>Spans refused inside OK answers (OTLP partial success).</summary>
    public required long PartiallyRejectedSpans { get; init; }
    public required LatencySummary LatencyMs { get; init; }
    /// <summary>Failed exports by status, e.g. "HTTP 429", "gRPC Unavailable", "timeout".</summary>
    public required SortedDictionary<string, long> Errors { get; init; }
    public required ProcessSummary[] Processes { get; init; }
    public required double GeneratorCpuSeconds { get; init; }
    /// <summary>Busy time of all cores during the window, divided by its length.</summary>
    public required double MachineBusyCores { get; init; }
    public required int MachineCores { get; init; }
    /// <summary>Cores kept busy by everything but the watched processes and the generator: how much the run was disturbed.</summary>
    public double OtherCores => Math.Round(Math.Max(0, MachineBusyCores - Processes.Sum(process => process.CpuCores) - GeneratorCpuSeconds / MeasuredSeconds), 2);
    /// <summary>Spans accepted over the whole run, warm-up included: what the receiver holds afterwards.</summary>
    public required long TotalAcceptedSpans { get; init; }
    /// <summary>Size of the receiver's data after the run (--data-path), if given.</summary>
    public long? StoredBytes { get; init; }
    public double? StoredBytesPerSpan => StoredBytes is { } bytes && TotalAcceptedSpans > 0 ? Math.Round((double)bytes / TotalAcceptedSpans, 1) : null;
    public required SecondSummary[] PerSecond { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static RunSummary FromJson(string json) =>
        JsonSerializer.Deserialize<RunSummary>(json, Json) ?? throw new InvalidDataException("The summary file is empty.");

    public string ToText()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var rate = TargetSpansPerSecond > 0 ? string.Create(inv, $"target {TargetSpansPerSecond:0} spans/s") : "flat out";
        text.AppendLine(inv, $"{Label}: OTLP/{Protocol} to {Endpoint}, {Exporters} exporters, {SpansPerExport} spans per export ({PayloadBytes / 1024:0} KiB), {rate}, {MeasuredSeconds:0.0} s measured after {WarmupSeconds:0} s warm-up");
        text.AppendLine(inv, $"  offered   {OfferedSpansPerSecond,10:N0} spans/s   ({ExportsStarted:N0} exports started)");
        text.AppendLine(inv, $"  accepted  {AcceptedSpansPerSecond,10:N0} spans/s   ({ExportsOk:N0} of {ExportsCompleted:N0} exports OK, {PartiallyRejectedSpans:N0} spans rejected in partial successes)");
        text.AppendLine(inv, $"  latency   p50 {LatencyMs.P50:0.0} ms, p90 {LatencyMs.P90:0.0} ms, p99 {LatencyMs.P99:0.0} ms, max {LatencyMs.Max:0.0} ms");
        var errors = Errors.Count == 0 ? "none" : string.Join(", ", Errors.Select(error => string.Create(inv, $"{error.Key}: {error.Value:N0}")));
        text.AppendLine(inv, $"  errors    {errors}");
        foreach (var process in Processes)
        {
            text.AppendLine(inv, $"  {process.Name} (pid {process.Pid}, {process.Processes} processes): CPU {process.CpuSeconds:0.0} s = {process.CpuCores:0.00} cores, peak RSS {process.PeakRssBytes / 1048576.0:0} MiB, peak PSS of the tree {process.PeakTreePssBytes / 1048576.0:0} MiB");
        }
        if (StoredBytes is { } stored)
        {
            text.AppendLine(inv, $"  stored    {stored / 1048576.0:0} MiB for {TotalAcceptedSpans:N0} spans accepted in the whole run: {StoredBytesPerSpan:0} bytes per span");
        }
        text.AppendLine(inv, $"  generator CPU {GeneratorCpuSeconds:0.0} s = {GeneratorCpuSeconds / MeasuredSeconds:0.00} cores; machine busy {MachineBusyCores:0.00} of {MachineCores} cores; other processes {OtherCores:0.00} cores");
        return text.ToString();
    }
}
