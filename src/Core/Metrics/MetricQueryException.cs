namespace Observability.Core.Metrics;

/// <summary>A metric query the data cannot answer as asked (e.g. a quantile of a gauge); the message says what would work.</summary>
public sealed class MetricQueryException(string message) : Exception(message);
