using Google.Protobuf;
using Google.Protobuf.Collections;
using Observability.Collector.Ingest;
using Observability.Collector.Otlp.Proto.Collector.Metrics.V1;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Collector.Otlp.Proto.Metrics.V1;
using Observability.Core.Telemetry;
using CoreTemporality = Observability.Core.Telemetry.AggregationTemporality;

namespace Observability.Collector.Otlp;

/// <summary>Receives OTLP metrics from any transport: every data point of every metric type becomes one stored point.</summary>
public sealed class OtlpMetricsService(TelemetryIngestor ingestor, IngestMetrics metrics)
    : OtlpSignalService<ExportMetricsServiceRequest, ExportMetricsServiceResponse>("metrics", "data points", ingestor, metrics)
{
    protected override MessageParser<ExportMetricsServiceRequest> Parser => ExportMetricsServiceRequest.Parser;

    private protected override void Map(ExportMetricsServiceRequest request, TelemetryBatch batch, OtlpRejections rejections, OtlpJsonEncoder json)
    {
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = OtlpCommonMapper.Resource(resourceMetrics.Resource, resourceMetrics.SchemaUrl, json);
            foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
            {
                var scope = OtlpCommonMapper.Scope(scopeMetrics.Scope, scopeMetrics.SchemaUrl, json);
                foreach (var metric in scopeMetrics.Metrics)
                {
                    MapMetric(metric, new MetricPointRecord
                    {
                        Resource = resource,
                        Scope = scope,
                        MetricName = OtlpText.Clean(metric.Name),
                        Description = OtlpText.Clean(metric.Description),
                        Unit = OtlpText.Clean(metric.Unit),
                        Type = MetricType.Gauge,
                    }, batch, rejections, json);
                }
            }
        }
    }

    protected override ExportMetricsServiceResponse CreateResponse(long rejected, string errorMessage) => rejected == 0
        ? new ExportMetricsServiceResponse()
        : new ExportMetricsServiceResponse { PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = errorMessage } };

    private static void MapMetric(Metric metric, MetricPointRecord descriptor, TelemetryBatch batch, OtlpRejections rejections, OtlpJsonEncoder json)
    {
        var pointCount = metric.DataCase switch
        {
            Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Count,
            Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Count,
            Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Count,
            Metric.DataOneofCase.ExponentialHistogram => metric.ExponentialHistogram.DataPoints.Count,
            Metric.DataOneofCase.Summary => metric.Summary.DataPoints.Count,
            _ => 0,
        };
        if (string.IsNullOrEmpty(metric.Name))
        {
            rejections.Add("missing_metric_name", "a metric must have a name", Math.Max(pointCount, 1));
            return;
        }
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var point in metric.Gauge.DataPoints)
                {
                    AddNumberPoint(point, descriptor with { Type = MetricType.Gauge }, batch, rejections, json);
                }
                break;
            case Metric.DataOneofCase.Sum:
                var sum = descriptor with
                {
                    Type = MetricType.Sum,
                    Temporality = (CoreTemporality)(int)metric.Sum.AggregationTemporality,
                    IsMonotonic = metric.Sum.IsMonotonic,
                };
                foreach (var point in metric.Sum.DataPoints)
                {
                    AddNumberPoint(point, sum, batch, rejections, json);
                }
                break;
            case Metric.DataOneofCase.Histogram:
                var histogram = descriptor with { Type = MetricType.Histogram, Temporality = (CoreTemporality)(int)metric.Histogram.AggregationTemporality };
                foreach (var point in metric.Histogram.DataPoints)
                {
                    if (Times(point.StartTimeUnixNano, point.TimeUnixNano, descriptor.MetricName, rejections) is not { } times
                        || Exemplars(point.Exemplars, descriptor.MetricName, rejections, json) is not { } exemplars)
                    {
                        continue;
                    }
                    if (point.BucketCounts.Count != 0 && point.BucketCounts.Count != point.ExplicitBounds.Count + 1)
                    {
                        rejections.Add("invalid_histogram", $"metric '{descriptor.MetricName}': {point.BucketCounts.Count} bucket counts need {point.BucketCounts.Count - 1} explicit bounds, got {point.ExplicitBounds.Count}");
                        continue;
                    }
                    var writer = json.Writer;
                    writer.WriteStartObject();
                    writer.WriteStartArray("bucketCounts");
                    foreach (var count in point.BucketCounts)
                    {
                        writer.WriteNumberValue(count);
                    }
                    writer.WriteEndArray();
                    writer.WriteStartArray("explicitBounds");
                    foreach (var bound in point.ExplicitBounds)
                    {
                        AttributeJson.WriteDouble(writer, bound);
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    batch.MetricPoints.Add(Distribution(histogram, json.Finish(), point.Attributes, times, point.Flags, point.Count,
                        point.HasSum ? point.Sum : null, point.HasMin ? point.Min : null, point.HasMax ? point.Max : null, exemplars, json));
                }
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                var exponential = descriptor with { Type = MetricType.ExponentialHistogram, Temporality = (CoreTemporality)(int)metric.ExponentialHistogram.AggregationTemporality };
                foreach (var point in metric.ExponentialHistogram.DataPoints)
                {
                    if (Times(point.StartTimeUnixNano, point.TimeUnixNano, descriptor.MetricName, rejections) is not { } times
                        || Exemplars(point.Exemplars, descriptor.MetricName, rejections, json) is not { } exemplars)
                    {
                        continue;
                    }
                    var writer = json.Writer;
                    writer.WriteStartObject();
                    writer.WriteNumber("scale", point.Scale);
                    writer.WriteNumber("zeroCount", point.ZeroCount);
                    writer.WritePropertyName("zeroThreshold");
                    AttributeJson.WriteDouble(writer, point.ZeroThreshold);
                    WriteBuckets(writer, "positive", point.Positive);
                    WriteBuckets(writer, "negative", point.Negative);
                    writer.WriteEndObject();
                    batch.MetricPoints.Add(Distribution(exponential, json.Finish(), point.Attributes, times, point.Flags, point.Count,
                        point.HasSum ? point.Sum : null, point.HasMin ? point.Min : null, point.HasMax ? point.Max : null, exemplars, json));
                }
                break;
            case Metric.DataOneofCase.Summary:
                var summary = descriptor with { Type = MetricType.Summary };
                foreach (var point in metric.Summary.DataPoints)
                {
                    if (Times(point.StartTimeUnixNano, point.TimeUnixNano, descriptor.MetricName, rejections) is not { } times)
                    {
                        continue;
                    }
                    var writer = json.Writer;
                    writer.WriteStartObject();
                    writer.WriteStartArray("quantileValues");
                    foreach (var quantile in point.QuantileValues)
                    {
                        writer.WriteStartObject();
                        writer.WritePropertyName("quantile");
                        AttributeJson.WriteDouble(writer, quantile.Quantile);
                        writer.WritePropertyName("value");
                        AttributeJson.WriteDouble(writer, quantile.Value);
                        writer.WriteEndObject();
                    }
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    batch.MetricPoints.Add(Distribution(summary, json.Finish(), point.Attributes, times, point.Flags, point.Count,
                        point.Sum, min: null, max: null, exemplarsJson: "[]", json));
                }
                break;
            default:
                rejections.Add("missing_metric_data", $"metric '{descriptor.MetricName}' has no gauge, sum, histogram, exponential histogram or summary");
                break;
        }
    }

    private static void AddNumberPoint(NumberDataPoint point, MetricPointRecord descriptor, TelemetryBatch batch, OtlpRejections rejections, OtlpJsonEncoder json)
    {
        if (Times(point.StartTimeUnixNano, point.TimeUnixNano, descriptor.MetricName, rejections) is not { } times
            || Exemplars(point.Exemplars, descriptor.MetricName, rejections, json) is not { } exemplars)
        {
            return;
        }
        if (point.ValueCase == NumberDataPoint.ValueOneofCase.None)
        {
            rejections.Add("missing_value", $"metric '{descriptor.MetricName}': a data point has neither as_double nor as_int");
            return;
        }
        batch.MetricPoints.Add(descriptor with
        {
            AttributesJson = json.Attributes(point.Attributes),
            StartTimeUnixNanos = times.Start,
            TimeUnixNanos = times.Time,
            Flags = point.Flags,
            DoubleValue = point.ValueCase == NumberDataPoint.ValueOneofCase.AsDouble ? point.AsDouble : null,
            IntValue = point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : null,
            ExemplarsJson = exemplars,
        });
    }

    /// <summary>A histogram, exponential histogram or summary point; <paramref name="dataJson"/> must already be finished.</summary>
    private static MetricPointRecord Distribution(MetricPointRecord descriptor, string dataJson, RepeatedField<KeyValue> attributes,
        (long Start, long Time) times, uint flags, ulong count, double? sum, double? min, double? max, string exemplarsJson, OtlpJsonEncoder json) =>
        descriptor with
        {
            AttributesJson = json.Attributes(attributes),
            StartTimeUnixNanos = times.Start,
            TimeUnixNanos = times.Time,
            Flags = flags,
            Count = count,
            Sum = sum,
            Min = min,
            Max = max,
            DataJson = dataJson,
            ExemplarsJson = exemplarsJson,
        };

    private static (long Start, long Time)? Times(ulong start, ulong time, string metricName, OtlpRejections rejections)
    {
        if (OtlpCommonMapper.TryNanos(start, out var startNanos) && OtlpCommonMapper.TryNanos(time, out var timeNanos))
        {
            return (startNanos, timeNanos);
        }
        rejections.Add("invalid_time", $"metric '{metricName}': start_time_unix_nano and time_unix_nano must be before the year 2262");
        return null;
    }

    /// <summary>The exemplars as stored JSON, or null (and a rejection) when one carries a malformed trace or span id.</summary>
    private static string? Exemplars(RepeatedField<Exemplar> exemplars, string metricName, OtlpRejections rejections, OtlpJsonEncoder json)
    {
        if (exemplars.Count == 0)
        {
            return "[]";
        }
        foreach (var exemplar in exemplars)
        {
            if ((exemplar.TraceId.Length != 0 && !TraceIds.IsValidTraceId(exemplar.TraceId.Span))
                || (exemplar.SpanId.Length != 0 && !TraceIds.IsValidSpanId(exemplar.SpanId.Span)))
            {
                rejections.Add("invalid_exemplar_id", $"metric '{metricName}': an exemplar's trace_id must be 16 bytes and span_id 8 bytes, got {OtlpTraceService.DescribeId(exemplar.TraceId)} and {OtlpTraceService.DescribeId(exemplar.SpanId)}");
                return null;
            }
        }
        var writer = json.Writer;
        writer.WriteStartArray();
        foreach (var exemplar in exemplars)
        {
            writer.WriteStartObject();
            writer.WriteNumber("timeUnixNano", exemplar.TimeUnixNano);
            if (exemplar.ValueCase == Exemplar.ValueOneofCase.AsInt)
            {
                writer.WriteNumber("asInt", exemplar.AsInt);
            }
            else
            {
                writer.WritePropertyName("asDouble");
                AttributeJson.WriteDouble(writer, exemplar.AsDouble);
            }
            json.WriteHexId("traceId", exemplar.TraceId);
            json.WriteHexId("spanId", exemplar.SpanId);
            writer.WritePropertyName("filteredAttributes");
            json.WriteAttributes(exemplar.FilteredAttributes);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        return json.Finish();
    }

    private static void WriteBuckets(System.Text.Json.Utf8JsonWriter writer, string name, ExponentialHistogramDataPoint.Types.Buckets? buckets)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("offset", buckets?.Offset ?? 0);
        writer.WriteStartArray("bucketCounts");
        foreach (var count in buckets?.BucketCounts ?? [])
        {
            writer.WriteNumberValue(count);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
