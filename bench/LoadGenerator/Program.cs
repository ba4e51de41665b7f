using Observability.Bench.LoadGenerator;
using Observability.Bench.LoadGenerator.Measurement;
using Observability.Bench.LoadGenerator.Payloads;

if (args is [] or ["-h" or "--help"])
{
    Console.WriteLine(LoadOptions.Usage);
    return args.Length == 0 ? 2 : 0;
}
if (args is ["table", .. var summaries])
{
    Console.Write(SummaryTable.Render(summaries.Select(path => RunSummary.FromJson(File.ReadAllText(path)))));
    return 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("Run with --help for the options.");
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var encoding = System.Diagnostics.Stopwatch.StartNew();
var pool = PayloadPool.Create(options.Payloads, options.SpansPerExport, options.Seed);
Console.WriteLine($"Encoded {pool.Count} exports of {options.SpansPerExport} spans ({pool.AverageBytes / 1024:0} KiB each) in {encoding.Elapsed.TotalSeconds:0.0} s; "
    + $"warming up for {options.Warmup.TotalSeconds:0} s, then measuring for {options.Duration.TotalSeconds:0} s.");

var summary = await new LoadRunner(options, pool).RunAsync(cancellation.Token);
Console.Write(summary.ToText());
if (options.JsonPath is { } path)
{
    await File.WriteAllTextAsync(path, summary.ToJson());
}
// A run in which nothing was accepted is a broken setup, not a measurement.
return summary.AcceptedSpansPerSecond > 0 ? 0 : 3;
