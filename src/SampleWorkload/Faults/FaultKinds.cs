namespace Observability.SampleWorkload.Faults;

/// <summary>The fault kinds POST /faults accepts.</summary>
internal static class FaultKinds
{
    public const string Latency = "latency";
    public const string Errors = "errors";
    public const string DbSlow = "db-slow";
    public const string ReplicaLag = "replica-lag";
    public const string CacheDown = "cache-down";
    public const string InstanceCrash = "instance-crash";
    public const string Deploy = "deploy";

    public static readonly IReadOnlyList<string> All = [Latency, Errors, DbSlow, ReplicaLag, CacheDown, InstanceCrash, Deploy];

    /// <summary>Kinds aimed at service instances, whose target is a service name or a service.instance.id.</summary>
    public static bool TargetsInstances(string kind) => kind is Latency or Errors or InstanceCrash or Deploy;

    /// <summary>The one target of a kind that acts on a server, named in the answers.</summary>
    public static string? ServerTarget(string kind) => kind switch
    {
        DbSlow => "postgresql-primary",
        ReplicaLag => "postgresql-replica",
        CacheDown => "redis",
        _ => null,
    };
}
