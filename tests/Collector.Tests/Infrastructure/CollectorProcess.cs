using System.Diagnostics;
using System.Text;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Infrastructure;

/// <summary>The standalone Collector as a separate OS process, so a test can kill it for real.</summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private CollectorProcess(Process process, StringBuilder output, string grpcUrl, string httpUrl, string apiUrl)
    {
        _process = process;
        _output = output;
        GrpcUrl = grpcUrl;
        HttpUrl = httpUrl;
        ApiUrl = apiUrl;
    }

    public string GrpcUrl { get; }

    public string HttpUrl { get; }

    public string ApiUrl { get; }

    public int ProcessId => _process.Id;

    /// <summary>What the process printed, for failure messages.</summary>
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

    public static async Task<CollectorProcess> StartAsync(TestStorage storage, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var grpcUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var httpUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var apiUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { CollectorAssembly(), "--urls", apiUrl },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(CollectorAssembly())!,
        };
        var environment = new Dictionary<string, string?>(storage.Settings)
        {
            ["Collector:OtlpGrpcUrl"] = grpcUrl,
            ["Collector:OtlpHttpUrl"] = httpUrl,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__")] = value;
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";

        var output = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var collector = new CollectorProcess(process, output, grpcUrl, httpUrl, apiUrl);
        await collector.WaitUntilReadyAsync();
        return collector;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly like a crash or the OOM killer.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Peak resident memory of the process so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]);
                return kilobytes * 1024;
            }
        }
        throw new InvalidOperationException("VmHWM not found in /proc status.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Collector exited with code {_process.ExitCode} before it was ready:\n{Output}");
            }
            try
            {
                using var response = await client.GetAsync($"{ApiUrl}/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The Collector was not ready within 60 s:\n{Output}");
    }

    /// <summary>The built standalone Collector next to this test project's build.</summary>
    private static string CollectorAssembly()
    {
        var testOutput = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(testOutput).Parent!.Name;
        var folder = new DirectoryInfo(testOutput);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Observability.sln")))
        {
            folder = folder.Parent;
        }
        if (folder is null)
        {
            throw new InvalidOperationException($"Observability.sln not found above {testOutput}.");
        }
        var assembly = Path.Combine(folder.FullName, "src", "Collector", "bin", configuration, "net10.0", "Observability.Collector.dll");
        return File.Exists(assembly) ? assembly : throw new FileNotFoundException("Build src/Collector first.", assembly);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
