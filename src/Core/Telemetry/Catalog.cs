namespace Observability.Core.Telemetry;

/// <summary>An operation a service has reported spans for: what Jaeger lists under a service.</summary>
public sealed record SpanOperation(string ServiceName, string Name, SpanKind Kind);

/// <summary>A metric the Collector has received, by name, type and unit.</summary>
public sealed record MetricDescriptor(string Name, MetricType Type, string Unit, string Description);
