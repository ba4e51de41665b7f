using System.Collections.Concurrent;

namespace Observability.SampleWorkload.Services.Faults;

/// <summary>The faults active in this process; read on every request, so the check is a lock-free snapshot.</summary>
internal sealed class InstanceFaultSwitch(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, InstanceFault> _faults = new(StringComparer.Ordinal);

    public InstanceFault TurnOn(string id, string kind, TimeSpan duration, double magnitude)
    {
        var now = clock.GetUtcNow();
        var fault = new InstanceFault(id, kind, magnitude, now, now + duration);
        _faults[id] = fault;
        return fault;
    }

    public bool TurnOff(string id) => _faults.TryRemove(id, out _);

    /// <summary>The faults in force now; ended ones are dropped on the way.</summary>
    public IReadOnlyList<InstanceFault> Active()
    {
        if (_faults.IsEmpty)
        {
            return [];
        }
        var now = clock.GetUtcNow();
        var active = new List<InstanceFault>(_faults.Count);
        foreach (var (id, fault) in _faults)
        {
            if (fault.EndsAt > now)
            {
                active.Add(fault);
            }
            else
            {
                _faults.TryRemove(id, out _);
            }
        }
        return active;
    }
}
