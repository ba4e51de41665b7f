namespace Observability.Bench.LoadGenerator.Exporters;

/// <summary>How one export ended: "OK", or the status that refused it ("HTTP 429", "gRPC Unavailable", "timeout", ...).</summary>
/// <param name="RejectedSpans">Spans the receiver refused in an OTLP partial success.</param>
/// <param name="RetryAfter">The delay the receiver asked for before the next export, if any.</param>
internal readonly record struct ExportResult(string Outcome, long RejectedSpans, TimeSpan? RetryAfter)
{
    public const string Ok = "OK";
    public const string Timeout = "timeout";

    public bool IsOk => Outcome == Ok;
}

/// <summary>One OTLP client with its own connection, sending already-encoded ExportTraceServiceRequests.</summary>
internal interface ITraceExporter : IDisposable
{
    Task<ExportResult> ExportAsync(byte[] payload, CancellationToken cancellationToken);
}
