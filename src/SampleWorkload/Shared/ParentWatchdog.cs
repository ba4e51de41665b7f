using System.Runtime.InteropServices;

namespace Observability.SampleWorkload.Shared;

/// <summary>
/// Ends a child process of the launcher when the launcher is gone, even if it was killed with SIGKILL and had no
/// chance to stop its children: the launcher passes its pid in <see cref="ParentPidVariable"/>, and when this
/// process's parent is no longer that pid (Linux re-parents orphans) the process stops itself.
/// </summary>
internal static class ParentWatchdog
{
    /// <summary>Environment variable holding the launcher's process id, set on every child it starts.</summary>
    public const string ParentPidVariable = "WORKLOAD_PARENT_PID";

    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Stops the web application when the launcher that started it is gone; a no-op when not started by one.</summary>
    public static IServiceCollection AddParentWatchdog(this IServiceCollection services) =>
        services.AddHostedService<ParentWatchdogService>();

    /// <summary>
    /// For processes without a host (the load generator): calls <paramref name="onParentGone"/> once the launcher is
    /// gone, then exits the process if it is still running a few seconds later. Returns false when there is no launcher to watch.
    /// </summary>
    public static bool Watch(Action onParentGone, CancellationToken cancellationToken = default)
    {
        if (ExpectedParentPid() is not { } parentPid)
        {
            return false;
        }
        _ = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(CheckInterval);
            try
            {
                while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (!IsParentAlive(parentPid))
                    {
                        onParentGone();
                        await Task.Delay(GracefulStopTimeout, CancellationToken.None).ConfigureAwait(false);
                        Environment.Exit(1);
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                // The process is stopping on its own (and may have disposed the token's source already).
            }
        }, CancellationToken.None);
        return true;
    }

    internal static int? ExpectedParentPid() =>
        OperatingSystem.IsLinux() && int.TryParse(Environment.GetEnvironmentVariable(ParentPidVariable), out var pid) && pid > 1 ? pid : null;

    // getppid() changes from the launcher's pid to 1 (or a subreaper) the moment the launcher dies, however it died.
    internal static bool IsParentAlive(int expectedParentPid) => GetParentProcessId() == expectedParentPid;

    [DllImport("libc", EntryPoint = "getppid")]
    private static extern int GetParentProcessId();

    private sealed class ParentWatchdogService(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken)
        {
            Watch(lifetime.StopApplication, stoppingToken);
            return Task.CompletedTask;
        }
    }
}
