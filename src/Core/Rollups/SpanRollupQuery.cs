using Observability.Core.Telemetry;

namespace Observability.Core.Rollups;

/// <summary>
/// Rollup rows of one resolution whose bucket starts in [From, To): for one service or all, for one operation or
/// (null) the service-wide rows, of the given kinds or all.
/// </summary>
public sealed record SpanRollupQuery(
    SpanRollupResolution Resolution,
    long FromUnixNanos,
    long ToUnixNanos,
    string? ServiceName = null,
    string? Operation = null,
    IReadOnlyCollection<SpanKind>? Kinds = null);

/// <summary>Reads the span rollups that the stores maintain at ingest.</summary>
public interface ISpanRollupReader
{
    /// <summary>Rows merged across writers, ordered by bucket.</summary>
    Task<IReadOnlyList<SpanRollup>> GetSpanRollupsAsync(SpanRollupQuery query, CancellationToken cancellationToken);
}
