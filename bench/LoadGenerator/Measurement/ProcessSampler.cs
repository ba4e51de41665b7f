using System.Globalization;
using System.Runtime.InteropServices;

namespace Observability.Bench.LoadGenerator.Measurement;

/// <summary>One process tree at one moment: CPU used so far, and memory.</summary>
/// <param name="CpuTicks">
/// utime + stime + cutime + cstime summed over the process and its live descendants. A child that exits moves its
/// time into its parent's cutime/cstime, so the sum only grows and a delta between two readings is the CPU the
/// tree used in between.
/// </param>
/// <param name="PeakRssBytes">VmHWM of the root process: its resident set's high-water mark since it started.</param>
/// <param name="TreePssBytes">Proportional set size summed over the tree: shared pages (PostgreSQL's shared buffers) counted once.</param>
internal readonly record struct ProcessReading(long CpuTicks, long PeakRssBytes, long TreePssBytes, int Processes);

/// <summary>The machine at one moment.</summary>
internal readonly record struct MachineReading(long Timestamp, long BusyTicks, long TotalTicks, long OwnCpuTicks, ProcessReading[] Processes);

/// <summary>Reads CPU and memory of watched process trees from /proc (Linux only).</summary>
internal sealed class ProcessSampler(IReadOnlyList<WatchedProcess> processes)
{
    /// <summary>USER_HZ: the unit of the CPU times in /proc/[pid]/stat.</summary>
    public static readonly long TicksPerSecond = ClockTicksPerSecond();

    public static bool IsSupported => OperatingSystem.IsLinux() && File.Exists("/proc/stat");

    public MachineReading Read(long timestamp)
    {
        if (!IsSupported)
        {
            return new MachineReading(timestamp, 0, 0, 0, new ProcessReading[processes.Count]);
        }
        var parents = processes.Count == 0 ? [] : ParentsOfAll();
        var readings = processes.Select(process => ReadTree(process.Pid, parents)).ToArray();
        var (busy, total) = MachineTicks();
        return new MachineReading(timestamp, busy, total, CpuTicksOf(Environment.ProcessId, includeChildren: false), readings);
    }

    private static ProcessReading ReadTree(int root, Dictionary<int, int> parents)
    {
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            foreach (var (pid, parent) in parents)
            {
                if (parent == tree[i])
                {
                    tree.Add(pid);
                }
            }
        }
        long cpu = 0, pss = 0;
        foreach (var pid in tree)
        {
            cpu += CpuTicksOf(pid, includeChildren: true);
            pss += StatusValueKb($"/proc/{pid}/smaps_rollup", "Pss:") * 1024;
        }
        return new ProcessReading(cpu, StatusValueKb($"/proc/{root}/status", "VmHWM:") * 1024, pss, tree.Count);
    }

    /// <summary>Every process's parent, from /proc/[pid]/stat.</summary>
    private static Dictionary<int, int> ParentsOfAll()
    {
        var parents = new Dictionary<int, int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && StatFields(pid) is { } fields)
            {
                // Fields after the command name: [0] state, [1] ppid.
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }
        return parents;
    }

    private static long CpuTicksOf(int pid, bool includeChildren)
    {
        if (StatFields(pid) is not { } fields)
        {
            return 0;
        }
        // utime, stime, cutime, cstime are fields 14 to 17 of the stat line, [11] to [14] after the command name.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        if (includeChildren)
        {
            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }
        return ticks;
    }

    /// <summary>The stat line's fields after "(command name)", which may itself hold spaces and parentheses.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var line = File.ReadAllText($"/proc/{pid}/stat");
            return line[(line.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long StatusValueKb(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>Busy and total CPU ticks of all cores, from the first line of /proc/stat.</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        using var reader = new StreamReader("/proc/stat");
        var fields = reader.ReadLine()!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // user nice system idle iowait irq softirq steal; guest time is already inside user.
        var values = fields.Skip(1).Take(8).Select(value => long.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        var total = values.Sum();
        return (total - values[3] - values[4], total);
    }

    private static long ClockTicksPerSecond()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 100;
        }
        const int ScClkTck = 2;
        var ticks = SysConf(ScClkTck);
        return ticks > 0 ? ticks : 100;
    }

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}
