namespace Observability.Dashboard.Hosting;

/// <summary>Settings "Dashboard:*".</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Where the UI (and the Collector's API) listens; loopback unless changed on purpose.</summary>
    public const string DefaultUrl = "http://localhost:8080";

    /// <summary>
    /// The first admin's password, used once when the user "admin" does not exist yet. Empty: one is generated and
    /// printed once. Never a default.
    /// </summary>
    public string AdminPassword { get; set; } = "";

    /// <summary>The folder for the embedded database, the demo workload's files and the cookie keys; relative to the binary's folder.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>How often an open Overview reads again, in milliseconds (at least 2000: the page is throttled to that).</summary>
    public int RefreshMilliseconds { get; set; } = 2000;
}
