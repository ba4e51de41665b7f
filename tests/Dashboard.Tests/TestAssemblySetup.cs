using System.Runtime.CompilerServices;
using Bunit;

namespace Observability.Dashboard.Tests;

/// <summary>
/// Settings for every bUnit test in this assembly. On a 2-core CI machine the thread pool starts with two threads, and
/// pages' timers, renders and waits all need one: a wait could time out before its check ever ran (seen in CI). More
/// threads up front and a longer wait remove that, without changing what any test asserts.
/// </summary>
internal static class TestAssemblySetup
{
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), Math.Max(completionPorts, 16));
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
    }
}
