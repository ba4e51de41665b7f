using System.Runtime.InteropServices;

namespace Observability.Dashboard.Demo;

/// <summary>SIGTERM to a child process, which .NET's Process cannot send: the sample workload's roles stop in order on it.</summary>
internal static class UnixSignal
{
    private const int SigTerm = 15;

    /// <summary>False when the process does not exist (any more).</summary>
    public static bool Terminate(int pid) => pid > 1 && Kill(pid, SigTerm) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
