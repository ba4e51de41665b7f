using System.Diagnostics;

namespace Observability.SampleWorkload.Launcher;

/// <summary>
/// One running (or stopped) service process. Its port stays the same across restarts, so the gateway's
/// destinations and the storefront's URLs of the other services stay valid.
/// </summary>
internal sealed class ServiceInstance(InstanceSpec spec, int port)
{
    public InstanceSpec Spec { get; } = spec;

    public string Id => Spec.InstanceId;

    public string Role => Spec.Role;

    public int Port { get; } = port;

    public Uri Url { get; } = new($"http://127.0.0.1:{port}");

    /// <summary>The service.version it runs; a deployment raises it.</summary>
    public string Version { get; set; } = "1.0.0";

    /// <summary>While true the supervisor leaves the instance dead (an instance-crash fault is in progress).</summary>
    public bool HeldDown { get; set; }

    internal Process? Process { get; set; }

    /// <summary>Set before the launcher ends the process itself, so the exit is not taken for a crash.</summary>
    internal bool StopRequested { get; set; }

    internal OutputTail Output { get; } = new();

    public int? ProcessId => Process is { HasExited: false } process ? process.Id : null;
}

/// <summary>The last lines a service wrote, to explain why it failed to start.</summary>
internal sealed class OutputTail
{
    private const int Capacity = 30;
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > Capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public string Text()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}
