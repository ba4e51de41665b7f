using System.Diagnostics.Metrics;
using Observability.SampleWorkload.Shared;

namespace Observability.SampleWorkload.Services.Hosting;

/// <summary>The workload's own instruments, on <see cref="WorkloadTelemetry.Meter"/>, named as the dashboards expect.</summary>
internal static class ServiceMetrics
{
    public const string CacheLayerMemory = "memory";
    public const string CacheLayerRedis = "redis";

    public static readonly Counter<long> CacheHits = WorkloadTelemetry.Meter.CreateCounter<long>(
        "cache.hits", "{hit}", "Catalog reads answered by a cache layer (attribute cache.layer).");

    public static readonly Counter<long> CacheMisses = WorkloadTelemetry.Meter.CreateCounter<long>(
        "cache.misses", "{miss}", "Catalog reads a cache layer could not answer (attribute cache.layer).");

    public static readonly Counter<long> MessagesSent = WorkloadTelemetry.Meter.CreateCounter<long>(
        "messaging.client.sent.messages", "{message}", "Messages published (OpenTelemetry messaging semantic conventions).");

    public static readonly Counter<long> MessagesConsumed = WorkloadTelemetry.Meter.CreateCounter<long>(
        "messaging.client.consumed.messages", "{message}", "Messages consumed (OpenTelemetry messaging semantic conventions).");

    public static KeyValuePair<string, object?> Layer(string layer) => new("cache.layer", layer);
}
