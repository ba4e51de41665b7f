using Grpc.Core;

namespace Observability.Collector.Otlp;

/// <summary>Why a whole export was refused; each maps to one HTTP status and one gRPC status.</summary>
public enum OtlpRefusal
{
    /// <summary>The payload could not be decoded: HTTP 400, gRPC INVALID_ARGUMENT.</summary>
    Malformed,
    /// <summary>HTTP 415 only: the content type is neither protobuf nor JSON.</summary>
    UnsupportedMediaType,
    /// <summary>The payload, after decompression, exceeds the limit: HTTP 413, gRPC RESOURCE_EXHAUSTED.</summary>
    TooLarge,
    /// <summary>Missing or wrong API key: HTTP 401, gRPC UNAUTHENTICATED.</summary>
    Unauthenticated,
    /// <summary>The ingest queue is full: HTTP 429, gRPC UNAVAILABLE, both with a retry delay.</summary>
    QueueFull,
    /// <summary>Storage failed to commit: HTTP 503, gRPC UNAVAILABLE, both with a retry delay.</summary>
    StorageUnavailable,
}

/// <summary>An export refused as a whole, with a message for the client that names the problem.</summary>
public sealed class OtlpExportException(OtlpRefusal refusal, string message, Exception? inner = null) : Exception(message, inner)
{
    public OtlpRefusal Refusal { get; } = refusal;

    /// <summary>The label used for this refusal in /metrics.</summary>
    public string Reason => Refusal switch
    {
        OtlpRefusal.Malformed => "malformed",
        OtlpRefusal.UnsupportedMediaType => "unsupported_media_type",
        OtlpRefusal.TooLarge => "too_large",
        OtlpRefusal.Unauthenticated => "unauthenticated",
        OtlpRefusal.QueueFull => "queue_full",
        OtlpRefusal.StorageUnavailable => "storage_unavailable",
        _ => "other",
    };

    public int HttpStatus => Refusal switch
    {
        OtlpRefusal.Malformed => StatusCodes.Status400BadRequest,
        OtlpRefusal.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        OtlpRefusal.TooLarge => StatusCodes.Status413PayloadTooLarge,
        OtlpRefusal.Unauthenticated => StatusCodes.Status401Unauthorized,
        OtlpRefusal.QueueFull => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    public StatusCode GrpcStatus => Refusal switch
    {
        OtlpRefusal.Malformed or OtlpRefusal.UnsupportedMediaType => StatusCode.InvalidArgument,
        OtlpRefusal.TooLarge => StatusCode.ResourceExhausted,
        OtlpRefusal.Unauthenticated => StatusCode.Unauthenticated,
        _ => StatusCode.Unavailable,
    };

    /// <summary>True when the client should retry after a delay (OTLP's retryable responses).</summary>
    public bool IsRetryable => Refusal is OtlpRefusal.QueueFull or OtlpRefusal.StorageUnavailable;
}
