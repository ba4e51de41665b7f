using System.Security.Cryptography;
using System.Text;

namespace Observability.SampleWorkload.Infrastructure;

/// <summary>
/// Where the workload's own PostgreSQL keeps its files: "pg" in the data folder, unless the launcher runs as root and
/// the postgres system user (which runs the servers: PostgreSQL refuses root) could not pass through one of the data
/// folder's parents, as under root's own home (mode 0700) or a private temporary folder. Then initdb failed with
/// "Permission denied"; now the files go to a folder of their own under /var/tmp, named after the data folder, so the
/// next launch from that data folder finds the same place and sweeps what an earlier one left running there.
/// </summary>
internal static class PostgresFolder
{
    private const string OutsideRoot = "/var/tmp";

    public static string For(string dataFolder, bool asPostgresUser)
    {
        var inside = Path.Combine(dataFolder, "pg");
        if (!asPostgresUser || OperatingSystem.IsWindows() || OthersCanPassAbove(dataFolder))
        {
            return inside;
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataFolder)));
        var outside = Path.Combine(OutsideRoot, $"observability-workload-{Convert.ToHexStringLower(hash)[..12]}");
        Directory.CreateDirectory(outside);
        // Others may pass through (postgres, to its own sub-folder), not list or write.
        File.SetUnixFileMode(outside, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return Path.Combine(outside, "pg");
    }

    /// <summary>Whether every folder above <paramref name="folder"/> lets other users pass through (the x bit for others).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal static bool OthersCanPassAbove(string folder)
    {
        for (var parent = Directory.GetParent(Path.GetFullPath(folder)); parent is not null; parent = parent.Parent)
        {
            if (!File.GetUnixFileMode(parent.FullName).HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }
        return true;
    }
}
