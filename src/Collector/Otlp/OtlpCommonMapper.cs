using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Resource.V1;
using Observability.Core.Telemetry;

namespace Observability.Collector.Otlp;

/// <summary>Mapping shared by all signals: resources, scopes, timestamps.</summary>
internal static class OtlpCommonMapper
{
    /// <summary>What the OpenTelemetry specification names a service that did not name itself.</summary>
    public const string UnknownService = "unknown_service";

    public static TelemetryResource Resource(Resource? resource, string schemaUrl, OtlpJsonEncoder json)
    {
        if (resource is null)
        {
            return new TelemetryResource(UnknownService, AttributeJson.Empty, 0, OtlpText.Clean(schemaUrl));
        }
        var serviceName = UnknownService;
        foreach (var attribute in resource.Attributes)
        {
            if (attribute.Key == "service.name" && attribute.Value?.ValueCase == AnyValue.ValueOneofCase.StringValue && attribute.Value.StringValue.Length > 0)
            {
                serviceName = OtlpText.Clean(attribute.Value.StringValue);
            }
        }
        return new TelemetryResource(serviceName, json.Attributes(resource.Attributes), resource.DroppedAttributesCount, OtlpText.Clean(schemaUrl));
    }

    public static TelemetryScope Scope(InstrumentationScope? scope, string schemaUrl, OtlpJsonEncoder json) => scope is null
        ? new TelemetryScope("", "", AttributeJson.Empty, 0, OtlpText.Clean(schemaUrl))
        : new TelemetryScope(OtlpText.Clean(scope.Name), OtlpText.Clean(scope.Version), json.Attributes(scope.Attributes), scope.DroppedAttributesCount, OtlpText.Clean(schemaUrl));

    /// <summary>OTLP times are unsigned; anything past the year 2262 does not fit and is refused.</summary>
    public static bool TryNanos(ulong unixNanos, out long value)
    {
        value = (long)unixNanos;
        return unixNanos <= long.MaxValue;
    }
}
