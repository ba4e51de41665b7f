namespace Observability.SampleWorkload.Shared;

/// <summary>
/// Configuration keys the launcher hands to each service process (as environment variables, ASP.NET Core style:
/// "Workload__Phase" for "Workload:Phase"), so a service can also be run by hand against existing servers.
/// </summary>
internal static class KnownSettings
{
    /// <summary>Where the service listens, e.g. http://127.0.0.1:5101 (ASP.NET Core's own key).</summary>
    public const string Urls = "urls";

    /// <summary>Npgsql connection string of the primary: all writes.</summary>
    public const string PrimaryDatabase = "ConnectionStrings:Primary";

    /// <summary>Npgsql connection string of the read replica; absent before phase 3, then reads go to the primary.</summary>
    public const string ReplicaDatabase = "ConnectionStrings:Replica";

    /// <summary>StackExchange.Redis configuration string; absent in phase 1 (no cache, sessions in process).</summary>
    public const string Redis = "ConnectionStrings:Redis";

    /// <summary>Roadmap phase 1..7 whose architecture this process follows.</summary>
    public const string Phase = "Workload:Phase";

    /// <summary>"true" when phase 1's quick wins are on: the missing index, caching headers, compression.</summary>
    public const string QuickWins = "Workload:QuickWins";

    /// <summary>The simulated region of this instance (cloud.region); phase 6 and 7 only.</summary>
    public const string Region = "Workload:Region";

    /// <summary>Extra network latency, in milliseconds, added to every request this instance serves (its region's distance).</summary>
    public const string RegionLatencyMilliseconds = "Workload:RegionLatencyMilliseconds";

    /// <summary>Password every seeded user signs in with; generated per run by the launcher.</summary>
    public const string UserPassword = "Workload:UserPassword";

    /// <summary>Bearer token the launcher uses on every service's /internal endpoints; generated per run.</summary>
    public const string ControlToken = "Workload:ControlToken";

    /// <summary>Base URL of auth-service; absent before phase 4, then storefront-api does the work in process.</summary>
    public const string AuthUrl = "Services:Auth";

    /// <summary>Base URL of payment-service; absent before phase 4.</summary>
    public const string PaymentUrl = "Services:Payment";

    /// <summary>Base URL of reporting-service; absent before phase 4.</summary>
    public const string ReportingUrl = "Services:Reporting";
}
