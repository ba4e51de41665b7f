using System.Diagnostics;
using System.Globalization;
using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Launcher;

/// <summary>The load generator process, pointed at the gateway; its progress line goes straight to the console.</summary>
internal sealed class LoadGenChild(Process process) : IAsyncDisposable
{
    /// <summary>Environment variable the load generator reads the seeded users' password from (kept off the command line).</summary>
    public const string UserPasswordVariable = "WORKLOAD_USER_PASSWORD";


    private volatile bool _stopping;

    public int ProcessId { get; } = process.Id;

    public static LoadGenChild Start(LauncherOptions options, string userPassword, Action<string> write)
    {
        var (fileName, leading) = ServiceSupervisor.ThisBinary();
        var start = new ProcessStartInfo(fileName) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in leading.Append(KnownRoles.LoadGen).Append("--target").Append(options.GatewayUrl.ToString().TrimEnd('/')))
        {
            start.ArgumentList.Add(argument);
        }
        if (options.Ramp is { } ramp)
        {
            start.ArgumentList.Add("--ramp");
            start.ArgumentList.Add(ramp);
        }
        else
        {
            start.ArgumentList.Add("--users");
            start.ArgumentList.Add(options.Users.ToString(CultureInfo.InvariantCulture));
        }
        if (PhaseProfile.IsMultiRegion(options.Phase))
        {
            start.ArgumentList.Add("--regions");
            start.ArgumentList.Add(string.Join(',', PhaseProfile.Regions.Select(region => region.Name)));
        }
        start.Environment[UserPasswordVariable] = userPassword;
        start.Environment["OTEL_SERVICE_NAME"] = KnownRoles.ServiceName(KnownRoles.LoadGen);
        start.Environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id=loadgen-1,service.version=1.0.0,deployment.environment.name=sample,workload.phase={options.Phase}";
        start.Environment[ParentWatchdog.ParentPidVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                write($"[loadgen] {line}");
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                write($"[loadgen] {line}");
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new LoadGenChild(process);
        process.Exited += (_, _) =>
        {
            if (!child._stopping)
            {
                write($"[loadgen] exited with code {process.ExitCode}; the rest of the workload keeps running");
            }
        };
        return child;
    }

    /// <summary>Its exit from now on is expected (Ctrl+C reaches it directly too) and not reported.</summary>
    public void BeginStopping() => _stopping = true;

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await UnixProcess.TerminateAsync(process);
        process.Dispose();
    }
}
