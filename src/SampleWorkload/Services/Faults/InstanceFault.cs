namespace Observability.SampleWorkload.Services.Faults;

/// <summary>A fault switched on in this process by the launcher, until <see cref="EndsAt"/> or until deleted.</summary>
internal sealed record InstanceFault(string Id, string Kind, double Magnitude, DateTimeOffset StartedAt, DateTimeOffset EndsAt);

/// <summary>What the launcher posts to /internal/faults; every member nullable so a missing one can be named.</summary>
internal sealed record InstanceFaultRequest(string? Id, string? Kind, double? DurationSeconds, double? Magnitude);

/// <summary>The fault kinds a service process applies to its own requests.</summary>
internal static class InstanceFaultKinds
{
    /// <summary>Adds Magnitude seconds (default 0.3) to every request.</summary>
    public const string Latency = "latency";

    /// <summary>Answers a Magnitude fraction (default 0.5) of requests with 500.</summary>
    public const string Errors = "errors";
}
