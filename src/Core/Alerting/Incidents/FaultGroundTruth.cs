using System.Text.Json;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Core.Alerting.Incidents;

/// <summary>When a fault that hit a service really began, when the telemetry says so.</summary>
public interface IFaultGroundTruth
{
    /// <summary>The start of the latest fault on <paramref name="service"/> that began in [from, to], or null.</summary>
    Task<DateTimeOffset?> FaultStartAsync(string service, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>
/// Reads fault injection's ground truth from spans named <c>fault.start</c> whose <c>fault.target</c> is the service (or
/// one of its instances, <c>service-N</c>), as the sample workload and chaos tools that follow its convention emit them.
/// </summary>
public sealed class SpanFaultGroundTruth(ITelemetryReader telemetry) : IFaultGroundTruth
{
    public const string FaultStartSpan = "fault.start";
    public const string FaultTargetAttribute = "fault.target";

    public async Task<DateTimeOffset?> FaultStartAsync(string service, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        DateTimeOffset? latest = null;
        foreach (var emitter in await telemetry.GetServicesAsync(cancellationToken))
        {
            var traceIds = await telemetry.FindTraceIdsAsync(new TraceSearch
            {
                ServiceName = emitter,
                OperationName = FaultStartSpan,
                StartFromUnixNanos = UnixTime.Nanos(from),
                StartToUnixNanos = UnixTime.Nanos(to) + 1,
                Limit = 100,
            }, cancellationToken);
            if (traceIds.Count == 0)
            {
                continue;
            }
            foreach (var span in await telemetry.GetTracesAsync(traceIds, cancellationToken))
            {
                if (span.Name == FaultStartSpan && Targets(span.AttributesJson, service))
                {
                    var start = UnixTime.ToDateTimeOffset(span.StartUnixNanos);
                    if (start >= from && start <= to && (latest is null || start > latest))
                    {
                        latest = start;
                    }
                }
            }
        }
        return latest;
    }

    private static bool Targets(string attributesJson, string service)
    {
        using var attributes = JsonDocument.Parse(attributesJson);
        if (attributes.RootElement.ValueKind != JsonValueKind.Object
            || !attributes.RootElement.TryGetProperty(FaultTargetAttribute, out var target) || target.ValueKind != JsonValueKind.String)
        {
            return false;
        }
        var value = target.GetString()!;
        return value == service || (value.StartsWith(service + "-", StringComparison.Ordinal) && value[(service.Length + 1)..].All(char.IsAsciiDigit));
    }
}
