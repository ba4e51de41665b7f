using System.Diagnostics;
using Observability.SampleWorkload.LoadGen;
using Observability.SampleWorkload.LoadGen.Options;

namespace Observability.SampleWorkload.Tests.LoadGen;

/// <summary>A load generator running in process against a fake storefront, stopped (and summarised) on dispose.</summary>
internal sealed class LoadGenRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _errors = new();
    private readonly Task<LoadRunSummary> _run;

    private LoadGenRun(LoadGenOptions options)
    {
        Runner = new LoadGenRunner(options, TextWriter.Synchronized(_output), TextWriter.Synchronized(_errors));
        _run = Task.Run(() => Runner.RunAsync(_stop.Token));
    }

    public LoadGenRunner Runner { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static LoadGenRun Start(Uri target, string password, params string[] args)
    {
        var parsed = LoadGenOptionsParser.Parse(["--seed", "42", .. args, "--target", target.ToString(), "--user-password", password], _ => null);
        Assert.True(parsed.Options is not null, parsed.Error);
        return new LoadGenRun(parsed.Options);
    }

    public async Task<LoadRunSummary> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }

    /// <summary>Polls until the condition holds; fails with the message and the output so far after the deadline.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > deadline)
            {
                Assert.Fail($"{what} did not happen within {deadline.TotalSeconds} s. Output:\n{Output}\nErrors:\n{Errors}");
            }
            if (_run.IsCompleted)
            {
                await _run;
                Assert.Fail($"the load generator stopped before {what}. Output:\n{Output}");
            }
            await Task.Delay(50);
        }
    }
}
