namespace Observability.Dashboard.Administration.LoadTests;

/// <summary>
/// Settings "LoadTest:*": the sample workload the Load test page starts load against. The demo sets both; without the demo,
/// set them to a running sample workload's gateway and the seeded users' password its launcher printed, or type them in the page.
/// </summary>
public sealed class LoadTestOptions
{
    public const string Section = "LoadTest";
    public const string GatewayUrlKey = Section + ":" + nameof(GatewayUrl);
    public const string UserPasswordKey = Section + ":" + nameof(UserPassword);

    /// <summary>The sample workload's gateway (e.g. http://127.0.0.1:5080); empty when no workload is known.</summary>
    public string? GatewayUrl { get; set; }

    /// <summary>The password of the seeded users user-1..user-N that virtual users sign in as.</summary>
    public string? UserPassword { get; set; }
}
