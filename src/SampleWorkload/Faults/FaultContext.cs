using Observability.SampleWorkload.Infrastructure;
using Observability.SampleWorkload.Launcher;

namespace Observability.SampleWorkload.Faults;

/// <summary>What the faults act on: the phase's parts, as the launcher started or was given them.</summary>
internal sealed record FaultContext
{
    public required int Phase { get; init; }

    public required ServiceSupervisor Supervisor { get; init; }

    /// <summary>Superuser connections for faults on the servers themselves; null when no database is known.</summary>
    public required DatabaseEndpoints? Databases { get; init; }

    /// <summary>The launcher's own redis-server, paused with SIGSTOP for cache-down.</summary>
    public RedisServer? OwnRedis { get; init; }

    /// <summary>An existing Redis given with --redis, paused with CLIENT PAUSE for cache-down.</summary>
    public string? ExternalRedis { get; init; }

    /// <summary>Bearer token of the services' /internal/faults.</summary>
    public required string ControlToken { get; init; }

    public bool HasRedis => OwnRedis is not null || ExternalRedis is not null;
}
