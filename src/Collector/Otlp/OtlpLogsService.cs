using Google.Protobuf;
using Observability.Collector.Ingest;
using Observability.Collector.Otlp.Proto.Collector.Logs.V1;
using Observability.Core.Telemetry;
using ProtoLogRecord = Observability.Collector.Otlp.Proto.Logs.V1.LogRecord;

namespace Observability.Collector.Otlp;

/// <summary>Receives OTLP logs from any transport.</summary>
public sealed class OtlpLogsService(TelemetryIngestor ingestor, IngestMetrics metrics, TimeProvider timeProvider)
    : OtlpSignalService<ExportLogsServiceRequest, ExportLogsServiceResponse>("logs", "log records", ingestor, metrics)
{
    protected override MessageParser<ExportLogsServiceRequest> Parser => ExportLogsServiceRequest.Parser;

    private protected override void Map(ExportLogsServiceRequest request, TelemetryBatch batch, OtlpRejections rejections, OtlpJsonEncoder json)
    {
        // A record without an observed time was observed now, by us.
        var receivedUnixNanos = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var resource = OtlpCommonMapper.Resource(resourceLogs.Resource, resourceLogs.SchemaUrl, json);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                var scope = OtlpCommonMapper.Scope(scopeLogs.Scope, scopeLogs.SchemaUrl, json);
                foreach (var log in scopeLogs.LogRecords)
                {
                    if (Validate(log) is { } problem)
                    {
                        rejections.Add(problem.Reason, problem.Detail);
                        continue;
                    }
                    batch.Logs.Add(new LogRecord
                    {
                        Resource = resource,
                        Scope = scope,
                        TimeUnixNanos = (long)log.TimeUnixNano,
                        ObservedTimeUnixNanos = log.ObservedTimeUnixNano != 0 ? (long)log.ObservedTimeUnixNano : receivedUnixNanos,
                        SeverityNumber = (int)log.SeverityNumber,
                        SeverityText = OtlpText.Clean(log.SeverityText),
                        BodyJson = json.Value(log.Body),
                        AttributesJson = json.Attributes(log.Attributes),
                        DroppedAttributesCount = log.DroppedAttributesCount,
                        Flags = log.Flags,
                        TraceId = log.TraceId.ToByteArray(),
                        SpanId = log.SpanId.ToByteArray(),
                        EventName = OtlpText.Clean(log.EventName),
                    });
                }
            }
        }
    }

    protected override ExportLogsServiceResponse CreateResponse(long rejected, string errorMessage) => rejected == 0
        ? new ExportLogsServiceResponse()
        : new ExportLogsServiceResponse { PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejected, ErrorMessage = errorMessage } };

    private static (string Reason, string Detail)? Validate(ProtoLogRecord log)
    {
        // Ids are optional on logs; when present they must be well formed.
        if (log.TraceId.Length != 0 && !TraceIds.IsValidTraceId(log.TraceId.Span))
        {
            return ("invalid_trace_id", $"trace_id must be empty or 16 bytes and not all zero, got {OtlpTraceService.DescribeId(log.TraceId)}");
        }
        if (log.SpanId.Length != 0 && !TraceIds.IsValidSpanId(log.SpanId.Span))
        {
            return ("invalid_span_id", $"span_id must be empty or 8 bytes and not all zero, got {OtlpTraceService.DescribeId(log.SpanId)}");
        }
        if (log.TimeUnixNano > long.MaxValue || log.ObservedTimeUnixNano > long.MaxValue)
        {
            return ("invalid_time", "time_unix_nano and observed_time_unix_nano must be before the year 2262");
        }
        return null;
    }
}
