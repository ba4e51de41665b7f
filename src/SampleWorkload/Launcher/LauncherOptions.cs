namespace Observability.SampleWorkload.Launcher;

/// <summary>What the launcher was asked to run, from its command line.</summary>
internal sealed record LauncherOptions
{
    /// <summary>Roadmap phase 1..7 whose architecture to run.</summary>
    public required int Phase { get; init; }

    /// <summary>Concurrent virtual users of the load generator; 0 starts no load.</summary>
    public required int Users { get; init; }

    /// <summary>A ramp such as 1000:10000/10m, handed to the load generator as is.</summary>
    public string? Ramp { get; init; }

    public required Uri GatewayUrl { get; init; }

    /// <summary>Cap on storefront-api instances (all regions together); 0 starts no service at all (servers and gateway only).</summary>
    public required int MaxInstances { get; init; }

    /// <summary>Phase 1's quick wins (index, caching headers, compression); always on from phase 2.</summary>
    public required bool QuickWins { get; init; }

    public required string DataFolder { get; init; }

    /// <summary>Existing servers to use instead of starting them.</summary>
    public string? PrimaryConnectionString { get; init; }

    public string? ReplicaConnectionString { get; init; }

    public string? RedisConnectionString { get; init; }

    public required string OtlpEndpoint { get; init; }

    /// <summary>Copy every line the services write to the console, not only their errors.</summary>
    public required bool Verbose { get; init; }

    public bool UsesReplica => Phase >= 3;

    public bool UsesRedis => Phase >= 2;
}
