using System.Globalization;
using System.Text;

namespace Observability.Bench.LoadGenerator.Measurement;

/// <summary>Renders run summaries as one Markdown table, a row per run.</summary>
public static class SummaryTable
{
    public static string Render(IEnumerable<RunSummary> runs)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new StringBuilder();
        table.AppendLine("| target | protocol | offered spans/s | accepted spans/s | export p50 / p99 | errors | receiver CPU | receiver CPU per 1k spans | peak memory | stored bytes per span | generator / other CPU |");
        table.AppendLine("| --- | --- | ---: | ---: | ---: | --- | --- | ---: | --- | ---: | ---: |");
        foreach (var run in runs)
        {
            var accepted = run.AcceptedSpansPerSecond * run.MeasuredSeconds;
            var receiverCpu = run.Processes.Sum(process => process.CpuSeconds);
            var cpu = string.Join("<br>", run.Processes.Select(process =>
                string.Create(inv, $"{process.Name} {process.CpuSeconds:0.0} s ({process.CpuCores:0.00} cores)")));
            var perThousand = accepted > 0 ? string.Create(inv, $"{receiverCpu * 1000 / (accepted / 1000):0.0} ms") : "—";
            var memory = string.Join("<br>", run.Processes.Select(process => process.Processes > 1
                ? string.Create(inv, $"{process.Name} RSS {Mib(process.PeakRssBytes)}, all {process.Processes} processes PSS {Mib(process.PeakTreePssBytes)}")
                : string.Create(inv, $"{process.Name} RSS {Mib(process.PeakRssBytes)}")));
            var errors = run.Errors.Count == 0 ? "none" : string.Join("<br>", run.Errors.Select(error => string.Create(inv, $"{error.Key}: {error.Value:N0}")));
            var stored = run.StoredBytesPerSpan is { } bytes ? string.Create(inv, $"{bytes:N0}") : "—";
            var generatorCores = run.GeneratorCpuSeconds / run.MeasuredSeconds;
            table.AppendLine(string.Create(inv,
                $"| {run.Label} | {run.Protocol} | {run.OfferedSpansPerSecond:N0} | {run.AcceptedSpansPerSecond:N0} | {run.LatencyMs.P50:0} / {run.LatencyMs.P99:0} ms | {errors} | {cpu} | {perThousand} | {memory} | {stored} | {generatorCores:0.00} / {run.OtherCores:0.00} cores |"));
        }
        return table.ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0} MiB");
}
