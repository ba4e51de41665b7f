using Observability.SampleWorkload.Launcher;
using Observability.SampleWorkload.LoadGen;
using Observability.SampleWorkload.Services;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload;

/// <summary>
/// One binary, many roles. Without a role (or with "run") it is the launcher: it starts the databases, every
/// service process (this binary again, with a role), the gateway and the load. The launcher is what users run.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var role = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : KnownRoles.Run;
        var rest = args.Length > 0 && !args[0].StartsWith('-') ? args[1..] : args;
        return role switch
        {
            KnownRoles.Run => await LauncherHost.RunAsync(rest),
            KnownRoles.Storefront or KnownRoles.Auth or KnownRoles.Payment or KnownRoles.Reporting
                => await ServiceHost.RunAsync(role, rest),
            KnownRoles.LoadGen => await LoadGenHost.RunAsync(rest),
            _ => Usage(role),
        };
    }

    private static int Usage(string role)
    {
        Console.Error.WriteLine(
            $"Unknown role '{role}'. Accepted: {KnownRoles.Run} (default), {KnownRoles.Storefront}, {KnownRoles.Auth}, "
            + $"{KnownRoles.Payment}, {KnownRoles.Reporting}, {KnownRoles.LoadGen}.");
        return 2;
    }
}
