using System.ComponentModel.DataAnnotations;

namespace Observability.Collector.Hosting;

/// <summary>The "Collector" configuration section.</summary>
public sealed class CollectorOptions
{
    public const string SectionName = "Collector";

    /// <summary>Where OTLP/gRPC listens (HTTP/2 without TLS).</summary>
    [Required(AllowEmptyStrings = false)]
    public string OtlpGrpcUrl { get; set; } = "http://localhost:4317";

    /// <summary>Where OTLP/HTTP listens.</summary>
    [Required(AllowEmptyStrings = false)]
    public string OtlpHttpUrl { get; set; } = "http://localhost:4318";

    /// <summary>Largest accepted export, measured after decompression.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    public OtlpAuthOptions Otlp { get; set; } = new();

    public IngestOptions Ingest { get; set; } = new();
}

/// <summary>Optional API keys for the OTLP endpoints; two so a key can be rotated without downtime.</summary>
public sealed class OtlpAuthOptions
{
    public string? PrimaryApiKey { get; set; }

    public string? SecondaryApiKey { get; set; }

    public bool IsEnabled => !string.IsNullOrEmpty(PrimaryApiKey) || !string.IsNullOrEmpty(SecondaryApiKey);
}

/// <summary>The bounded ingest queue and the batch writer behind it.</summary>
public sealed class IngestOptions
{
    /// <summary>Most items (spans, log records, metric points) waiting for a commit; beyond it exports are refused with 429.</summary>
    [Range(1, 10_000_000)]
    public int QueueCapacityItems { get; set; } = 200_000;

    /// <summary>Most items committed in one storage transaction.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchItems { get; set; } = 20_000;

    /// <summary>Most requests decoded at once; the rest wait, so decoded memory stays bounded.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentDecodes { get; set; } = 8;

    /// <summary>The Retry-After the Collector asks clients to wait when it refuses an export for load.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
