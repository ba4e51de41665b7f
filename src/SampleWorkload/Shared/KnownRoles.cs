namespace Observability.SampleWorkload.Shared;

/// <summary>The roles this binary runs as; the first command-line argument selects one.</summary>
internal static class KnownRoles
{
    public const string Run = "run";
    public const string Storefront = "storefront";
    public const string Auth = "auth";
    public const string Payment = "payment";
    public const string Reporting = "reporting";
    public const string LoadGen = "loadgen";

    /// <summary>The OpenTelemetry service.name of each role's process.</summary>
    public static string ServiceName(string role) => role switch
    {
        Run => "gateway",
        Storefront => "storefront-api",
        Auth => "auth-service",
        Payment => "payment-service",
        Reporting => "reporting-service",
        LoadGen => "loadgen",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role"),
    };
}
