using System.Net;
using System.Text.Json;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Telemetry;
using Observability.Tests.Shared;

namespace Observability.Collector.Tests.Otlp;

/// <summary>
/// OTLP/JSON written by hand the way the specification's examples (opentelemetry-proto examples/*.json) write it:
/// hex trace and span ids, lowerCamelCase names, enums as integers and 64-bit integers as strings. Every field is
/// read back from storage.
/// </summary>
public sealed class OtlpJsonTests
{
    private const long T0 = 1544712660000000000;

    private const string ResourceJson = """
        "resource": {
          "attributes": [
            { "key": "service.name", "value": { "stringValue": "json-checkout" } },
            { "key": "service.version", "value": { "stringValue": "2.4.1" } },
            { "key": "host.cpu.count", "value": { "intValue": "8" } }
          ],
          "droppedAttributesCount": 1
        },
        "schemaUrl": "https://opentelemetry.io/schemas/1.26.0"
        """;

    private const string ScopeJson = """
        "scope": {
          "name": "my.library",
          "version": "1.0.0",
          "attributes": [ { "key": "my.scope.attribute", "value": { "stringValue": "some scope attribute" } } ],
          "droppedAttributesCount": 2
        },
        "schemaUrl": "https://opentelemetry.io/schemas/1.24.0"
        """;

    private const string TraceJson = $$"""
        {
          "resourceSpans": [
            {
              {{ResourceJson}},
              "scopeSpans": [
                {
                  {{ScopeJson}},
                  "spans": [
                    {
                      "traceId": "5B8EFFF798038103D269B633813FC60C",
                      "spanId": "EEE19B7EC3C1B174",
                      "parentSpanId": "EEE19B7EC3C1B173",
                      "traceState": "rojo=00f067aa0ba902b7",
                      "flags": 257,
                      "name": "I'm a server span",
                      "kind": 2,
                      "startTimeUnixNano": "1544712660000000000",
                      "endTimeUnixNano": "1544712661000000000",
                      "attributes": [
                        { "key": "string", "value": { "stringValue": "text with ü and \"quotes\"" } },
                        { "key": "bool", "value": { "boolValue": true } },
                        { "key": "int.as.string", "value": { "intValue": "-9007199254740993" } },
                        { "key": "int.as.number", "value": { "intValue": 42 } },
                        { "key": "double", "value": { "doubleValue": 3.25 } },
                        { "key": "double.whole", "value": { "doubleValue": 2 } },
                        { "key": "double.nan", "value": { "doubleValue": "NaN" } },
                        { "key": "bytes", "value": { "bytesValue": "AQID/w==" } },
                        { "key": "array", "value": { "arrayValue": { "values": [
                          { "stringValue": "a" }, { "intValue": "2" }, { "boolValue": false }, { "doubleValue": 1.5 }
                        ] } } },
                        { "key": "kvlist", "value": { "kvlistValue": { "values": [
                          { "key": "inner", "value": { "stringValue": "x" } },
                          { "key": "nested", "value": { "kvlistValue": { "values": [ { "key": "depth", "value": { "intValue": "2" } } ] } } }
                        ] } } },
                        { "key": "empty", "value": {} }
                      ],
                      "droppedAttributesCount": 3,
                      "events": [
                        {
                          "timeUnixNano": "1544712660300000000",
                          "name": "cache.miss",
                          "attributes": [ { "key": "cache.key", "value": { "stringValue": "orders:42" } } ],
                          "droppedAttributesCount": 1
                        }
                      ],
                      "droppedEventsCount": 4,
                      "links": [
                        {
                          "traceId": "0AF7651916CD43DD8448EB211C80319C",
                          "spanId": "B7AD6B7169203331",
                          "traceState": "congo=t61rcWkgMzE",
                          "attributes": [ { "key": "link.reason", "value": { "stringValue": "retry" } } ],
                          "droppedAttributesCount": 6,
                          "flags": 256
                        }
                      ],
                      "droppedLinksCount": 5,
                      "status": { "message": "card declined", "code": 2 }
                    },
                    {
                      "traceId": "5b8efff798038103d269b633813fc60c",
                      "spanId": "0102030405060708",
                      "parentSpanId": "EEE19B7EC3C1B174",
                      "name": "SELECT orders",
                      "kind": 3,
                      "startTimeUnixNano": "1544712660100000000",
                      "endTimeUnixNano": "1544712660350000000",
                      "status": { "code": 1 }
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    private const string MetricsJson = $$"""
        {
          "resourceMetrics": [
            {
              {{ResourceJson}},
              "scopeMetrics": [
                {
                  {{ScopeJson}},
                  "metrics": [
                    {
                      "name": "json.queue.depth",
                      "unit": "{item}",
                      "description": "Items waiting",
                      "gauge": {
                        "dataPoints": [
                          {
                            "asDouble": 12.5,
                            "timeUnixNano": "1544712660000000000",
                            "attributes": [ { "key": "queue", "value": { "stringValue": "orders" } } ],
                            "exemplars": [
                              {
                                "timeUnixNano": "1544712659500000000",
                                "asDouble": 14.0,
                                "traceId": "5B8EFFF798038103D269B633813FC60C",
                                "spanId": "EEE19B7EC3C1B174",
                                "filteredAttributes": [ { "key": "user", "value": { "stringValue": "alice" } } ]
                              }
                            ]
                          }
                        ]
                      }
                    },
                    {
                      "name": "json.orders",
                      "unit": "{order}",
                      "description": "Orders placed",
                      "sum": {
                        "aggregationTemporality": 2,
                        "isMonotonic": true,
                        "dataPoints": [
                          {
                            "asInt": "5",
                            "startTimeUnixNano": "1544712600000000000",
                            "timeUnixNano": "1544712660000000000",
                            "attributes": [ { "key": "region", "value": { "stringValue": "eu" } } ]
                          },
                          {
                            "asInt": 7,
                            "startTimeUnixNano": "1544712600000000000",
                            "timeUnixNano": "1544712670000000000",
                            "flags": 1
                          }
                        ]
                      }
                    },
                    {
                      "name": "json.checkout.duration",
                      "unit": "ms",
                      "histogram": {
                        "aggregationTemporality": 1,
                        "dataPoints": [
                          {
                            "startTimeUnixNano": "1544712600000000000",
                            "timeUnixNano": "1544712660000000000",
                            "count": "3",
                            "sum": 555,
                            "bucketCounts": [ "1", "1", "1" ],
                            "explicitBounds": [ 10, 100 ],
                            "min": 5,
                            "max": 500,
                            "attributes": [ { "key": "http.route", "value": { "stringValue": "/checkout" } } ]
                          }
                        ]
                      }
                    },
                    {
                      "name": "json.payload.size",
                      "unit": "By",
                      "exponentialHistogram": {
                        "aggregationTemporality": 2,
                        "dataPoints": [
                          {
                            "startTimeUnixNano": "1544712600000000000",
                            "timeUnixNano": "1544712660000000000",
                            "count": "6",
                            "sum": 21.5,
                            "scale": 3,
                            "zeroCount": "1",
                            "zeroThreshold": 0.001,
                            "positive": { "offset": 2, "bucketCounts": [ "1", "0", "2" ] },
                            "negative": { "offset": -1, "bucketCounts": [ "2" ] },
                            "min": -3.5,
                            "max": 9
                          }
                        ]
                      }
                    },
                    {
                      "name": "json.request.latency",
                      "unit": "s",
                      "summary": {
                        "dataPoints": [
                          {
                            "startTimeUnixNano": "1544712600000000000",
                            "timeUnixNano": "1544712660000000000",
                            "count": "4",
                            "sum": 10.5,
                            "quantileValues": [
                              { "quantile": 0, "value": 0.5 },
                              { "quantile": 0.5, "value": 2 },
                              { "quantile": 1, "value": 6 }
                            ]
                          }
                        ]
                      }
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    private const string LogsJson = $$"""
        {
          "resourceLogs": [
            {
              {{ResourceJson}},
              "scopeLogs": [
                {
                  {{ScopeJson}},
                  "logRecords": [
                    {
                      "timeUnixNano": "1544712660300000000",
                      "observedTimeUnixNano": "1544712660300000100",
                      "severityNumber": 10,
                      "severityText": "Information",
                      "traceId": "5B8EFFF798038103D269B633813FC60C",
                      "spanId": "EEE19B7EC3C1B174",
                      "flags": 1,
                      "eventName": "checkout.started",
                      "body": { "stringValue": "Example log record" },
                      "attributes": [
                        { "key": "string.attribute", "value": { "stringValue": "some string" } },
                        { "key": "boolean.attribute", "value": { "boolValue": true } },
                        { "key": "int.attribute", "value": { "intValue": "10" } },
                        { "key": "double.attribute", "value": { "doubleValue": 637.704 } },
                        { "key": "array.attribute", "value": { "arrayValue": { "values": [ { "stringValue": "many" }, { "stringValue": "values" } ] } } },
                        { "key": "map.attribute", "value": { "kvlistValue": { "values": [ { "key": "some.map.key", "value": { "stringValue": "some value" } } ] } } }
                      ],
                      "droppedAttributesCount": 2
                    },
                    {
                      "timeUnixNano": "1544712661300000000",
                      "observedTimeUnixNano": "1544712661300000200",
                      "severityNumber": 17,
                      "severityText": "Error",
                      "body": { "kvlistValue": { "values": [
                        { "key": "order", "value": { "intValue": "42" } },
                        { "key": "$ref", "value": { "stringValue": "#/orders/42" } }
                      ] } }
                    },
                    {
                      "timeUnixNano": "1544712662300000000",
                      "observedTimeUnixNano": "1544712662300000300",
                      "severityNumber": 5,
                      "severityText": "Debug",
                      "body": { "arrayValue": { "values": [ { "stringValue": "a" }, { "intValue": "1" }, { "boolValue": true }, { "doubleValue": 0.25 } ] } }
                    },
                    {
                      "timeUnixNano": "1544712663300000000",
                      "observedTimeUnixNano": "1544712663300000400",
                      "severityNumber": 9,
                      "body": { "bytesValue": "3q2+7w==" }
                    },
                    {
                      "timeUnixNano": "1544712664300000000",
                      "severityNumber": 1
                    }
                  ]
                }
              ]
            }
          ]
        }
        """;

    [Fact]
    public async Task Spans_in_otlp_json_are_stored_with_every_field()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        using var response = await client.PostAsync("traces", OtlpClient.Json(TraceJson));

        await AssertAcceptedAsync(response);
        var spans = await host.Store.GetTraceAsync(TraceIds.FromHex("5b8efff798038103d269b633813fc60c"), CancellationToken.None);
        Assert.Equal(2, spans.Count);

        var server = spans[0];
        Assert.Equal("5b8efff798038103d269b633813fc60c", TraceIds.ToHex(server.TraceId));
        Assert.Equal("eee19b7ec3c1b174", TraceIds.ToHex(server.SpanId));
        Assert.Equal("eee19b7ec3c1b173", TraceIds.ToHex(server.ParentSpanId));
        Assert.Equal("rojo=00f067aa0ba902b7", server.TraceState);
        Assert.Equal(257u, server.Flags);
        Assert.Equal("I'm a server span", server.Name);
        Assert.Equal(SpanKind.Server, server.Kind);
        Assert.Equal(T0, server.StartUnixNanos);
        Assert.Equal(T0 + 1_000_000_000, server.EndUnixNanos);
        JsonAssert.Equivalent("""
            {
              "string": "text with ü and \"quotes\"",
              "bool": true,
              "int.as.string": -9007199254740993,
              "int.as.number": 42,
              "double": 3.25,
              "double.whole": 2.0,
              "double.nan": { "$double": "NaN" },
              "bytes": { "$bytes": "AQID/w==" },
              "array": [ "a", 2, false, 1.5 ],
              "kvlist": { "inner": "x", "nested": { "depth": 2 } },
              "empty": null
            }
            """, server.AttributesJson);
        var attributes = AttributeJson.ParseAttributes(server.AttributesJson).ToDictionary();
        Assert.Equal(-9007199254740993L, attributes["int.as.string"]);
        Assert.Equal(new byte[] { 0x01, 0x02, 0x03, 0xFF }, Assert.IsType<byte[]>(attributes["bytes"]));
        Assert.Equal(double.NaN, attributes["double.nan"]);
        Assert.Equal(3u, server.DroppedAttributesCount);
        JsonAssert.Equivalent("""
            [ { "timeUnixNano": 1544712660300000000, "name": "cache.miss", "attributes": { "cache.key": "orders:42" }, "droppedAttributesCount": 1 } ]
            """, server.EventsJson);
        Assert.Equal(4u, server.DroppedEventsCount);
        JsonAssert.Equivalent("""
            [
              {
                "traceId": "0af7651916cd43dd8448eb211c80319c",
                "spanId": "b7ad6b7169203331",
                "traceState": "congo=t61rcWkgMzE",
                "attributes": { "link.reason": "retry" },
                "droppedAttributesCount": 6,
                "flags": 256
              }
            ]
            """, server.LinksJson);
        Assert.Equal(5u, server.DroppedLinksCount);
        Assert.Equal(SpanStatusCode.Error, server.StatusCode);
        Assert.Equal("card declined", server.StatusMessage);
        AssertResourceAndScope(server.Resource, server.Scope);

        var child = spans[1];
        Assert.Equal("0102030405060708", TraceIds.ToHex(child.SpanId));
        Assert.Equal(server.SpanId, child.ParentSpanId);
        Assert.Equal("SELECT orders", child.Name);
        Assert.Equal(SpanKind.Client, child.Kind);
        Assert.Equal(250_000_000, child.DurationNanos);
        Assert.Equal(SpanStatusCode.Ok, child.StatusCode);
        Assert.Equal("", child.StatusMessage);
        Assert.Equal("", child.TraceState);
        Assert.Equal(0u, child.Flags);
        Assert.Equal("{}", child.AttributesJson);
        Assert.Equal("[]", child.EventsJson);
        Assert.Equal("[]", child.LinksJson);
        Assert.Equal((0u, 0u, 0u), (child.DroppedAttributesCount, child.DroppedEventsCount, child.DroppedLinksCount));
    }

    [Fact]
    public async Task Metrics_of_every_type_in_otlp_json_are_stored_with_every_field()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        using var response = await client.PostAsync("metrics", OtlpClient.Json(MetricsJson));

        await AssertAcceptedAsync(response);

        var gauge = Assert.Single(await PointsAsync(host, "json.queue.depth"));
        Assert.Equal(MetricType.Gauge, gauge.Type);
        Assert.Equal("{item}", gauge.Unit);
        Assert.Equal("Items waiting", gauge.Description);
        Assert.Equal(AggregationTemporality.Unspecified, gauge.Temporality);
        Assert.False(gauge.IsMonotonic);
        Assert.Equal(0, gauge.StartTimeUnixNanos);
        Assert.Equal(T0, gauge.TimeUnixNanos);
        Assert.Equal(12.5, gauge.DoubleValue);
        Assert.Null(gauge.IntValue);
        JsonAssert.Equivalent("""{ "queue": "orders" }""", gauge.AttributesJson);
        JsonAssert.Equivalent("""
            [
              {
                "timeUnixNano": 1544712659500000000,
                "asDouble": 14.0,
                "traceId": "5b8efff798038103d269b633813fc60c",
                "spanId": "eee19b7ec3c1b174",
                "filteredAttributes": { "user": "alice" }
              }
            ]
            """, gauge.ExemplarsJson);
        Assert.Null(gauge.DataJson);
        Assert.Null(gauge.Count);
        Assert.Null(gauge.Sum);
        AssertResourceAndScope(gauge.Resource, gauge.Scope);

        var sums = await PointsAsync(host, "json.orders");
        Assert.Equal(2, sums.Count);
        Assert.All(sums, sum =>
        {
            Assert.Equal(MetricType.Sum, sum.Type);
            Assert.Equal(AggregationTemporality.Cumulative, sum.Temporality);
            Assert.True(sum.IsMonotonic);
            Assert.Equal("{order}", sum.Unit);
            Assert.Equal("Orders placed", sum.Description);
            Assert.Equal(T0 - 60_000_000_000, sum.StartTimeUnixNanos);
            Assert.Null(sum.DoubleValue);
            Assert.Equal("[]", sum.ExemplarsJson);
        });
        Assert.Equal((5L, T0, 0u), (sums[0].IntValue, sums[0].TimeUnixNanos, sums[0].Flags));
        JsonAssert.Equivalent("""{ "region": "eu" }""", sums[0].AttributesJson);
        Assert.Equal((7L, T0 + 10_000_000_000, 1u), (sums[1].IntValue, sums[1].TimeUnixNanos, sums[1].Flags));
        Assert.Equal("{}", sums[1].AttributesJson);

        var histogram = Assert.Single(await PointsAsync(host, "json.checkout.duration"));
        Assert.Equal(MetricType.Histogram, histogram.Type);
        Assert.Equal(AggregationTemporality.Delta, histogram.Temporality);
        Assert.Equal("ms", histogram.Unit);
        Assert.Equal((T0 - 60_000_000_000, T0), (histogram.StartTimeUnixNanos, histogram.TimeUnixNanos));
        Assert.Equal(3UL, histogram.Count);
        Assert.Equal(555.0, histogram.Sum);
        Assert.Equal(5.0, histogram.Min);
        Assert.Equal(500.0, histogram.Max);
        Assert.Null(histogram.DoubleValue);
        Assert.Null(histogram.IntValue);
        JsonAssert.Equivalent("""{ "bucketCounts": [1, 1, 1], "explicitBounds": [10.0, 100.0] }""", histogram.DataJson);
        JsonAssert.Equivalent("""{ "http.route": "/checkout" }""", histogram.AttributesJson);

        var exponential = Assert.Single(await PointsAsync(host, "json.payload.size"));
        Assert.Equal(MetricType.ExponentialHistogram, exponential.Type);
        Assert.Equal(AggregationTemporality.Cumulative, exponential.Temporality);
        Assert.Equal("By", exponential.Unit);
        Assert.Equal(6UL, exponential.Count);
        Assert.Equal(21.5, exponential.Sum);
        Assert.Equal(-3.5, exponential.Min);
        Assert.Equal(9.0, exponential.Max);
        JsonAssert.Equivalent("""
            {
              "scale": 3,
              "zeroCount": 1,
              "zeroThreshold": 0.001,
              "positive": { "offset": 2, "bucketCounts": [1, 0, 2] },
              "negative": { "offset": -1, "bucketCounts": [2] }
            }
            """, exponential.DataJson);

        var summary = Assert.Single(await PointsAsync(host, "json.request.latency"));
        Assert.Equal(MetricType.Summary, summary.Type);
        Assert.Equal(AggregationTemporality.Unspecified, summary.Temporality);
        Assert.Equal("s", summary.Unit);
        Assert.Equal(4UL, summary.Count);
        Assert.Equal(10.5, summary.Sum);
        Assert.Null(summary.Min);
        Assert.Null(summary.Max);
        JsonAssert.Equivalent("""
            { "quantileValues": [ { "quantile": 0.0, "value": 0.5 }, { "quantile": 0.5, "value": 2.0 }, { "quantile": 1.0, "value": 6.0 } ] }
            """, summary.DataJson);
    }

    [Fact]
    public async Task Logs_in_otlp_json_are_stored_with_every_field_and_body_type()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);
        var sentAfterUnixNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;

        using var response = await client.PostAsync("logs", OtlpClient.Json(LogsJson));

        await AssertAcceptedAsync(response);
        var answeredBeforeUnixNanos = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var logs = await host.Store.GetLogsAsync(T0, T0 + 10_000_000_000, 100, CancellationToken.None);
        Assert.Equal(5, logs.Count);

        var text = logs[0];
        Assert.Equal(T0 + 300_000_000, text.TimeUnixNanos);
        Assert.Equal(T0 + 300_000_100, text.ObservedTimeUnixNanos);
        Assert.Equal(10, text.SeverityNumber);
        Assert.Equal("Information", text.SeverityText);
        Assert.Equal("5b8efff798038103d269b633813fc60c", TraceIds.ToHex(text.TraceId));
        Assert.Equal("eee19b7ec3c1b174", TraceIds.ToHex(text.SpanId));
        Assert.Equal(1u, text.Flags);
        Assert.Equal("checkout.started", text.EventName);
        Assert.Equal("\"Example log record\"", text.BodyJson);
        JsonAssert.Equivalent("""
            {
              "string.attribute": "some string",
              "boolean.attribute": true,
              "int.attribute": 10,
              "double.attribute": 637.704,
              "array.attribute": [ "many", "values" ],
              "map.attribute": { "some.map.key": "some value" }
            }
            """, text.AttributesJson);
        Assert.Equal(2u, text.DroppedAttributesCount);
        AssertResourceAndScope(text.Resource, text.Scope);

        var kvlist = logs[1];
        Assert.Equal((17, "Error"), (kvlist.SeverityNumber, kvlist.SeverityText));
        Assert.Equal(T0 + 1_300_000_200, kvlist.ObservedTimeUnixNanos);
        JsonAssert.Equivalent("""{ "$kvlist": { "order": 42, "$ref": "#/orders/42" } }""", kvlist.BodyJson);
        Assert.Equal(
            new List<KeyValuePair<string, object?>> { new("order", 42L), new("$ref", "#/orders/42") },
            Assert.IsType<List<KeyValuePair<string, object?>>>(AttributeJson.ParseValue(kvlist.BodyJson)));
        Assert.Empty(kvlist.TraceId);
        Assert.Empty(kvlist.SpanId);
        Assert.Equal((0u, "", "{}", 0u), (kvlist.Flags, kvlist.EventName, kvlist.AttributesJson, kvlist.DroppedAttributesCount));

        var array = logs[2];
        Assert.Equal((5, "Debug"), (array.SeverityNumber, array.SeverityText));
        JsonAssert.Equivalent("""[ "a", 1, true, 0.25 ]""", array.BodyJson);

        var bytes = logs[3];
        Assert.Equal((9, ""), (bytes.SeverityNumber, bytes.SeverityText));
        JsonAssert.Equivalent("""{ "$bytes": "3q2+7w==" }""", bytes.BodyJson);
        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, Assert.IsType<byte[]>(AttributeJson.ParseValue(bytes.BodyJson)));

        var bare = logs[4];
        Assert.Equal(T0 + 4_300_000_000, bare.TimeUnixNanos);
        Assert.Equal("null", bare.BodyJson);
        // No observed time: the Collector observed it, on receipt.
        Assert.InRange(bare.ObservedTimeUnixNanos, sentAfterUnixNanos, answeredBeforeUnixNanos);
    }

    [Fact]
    public async Task Original_snake_case_field_names_parse_too()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        using var response = await client.PostAsync("traces", OtlpClient.Json("""
            {
              "resource_spans": [
                {
                  "resource": { "attributes": [ { "key": "service.name", "value": { "string_value": "snake-service" } } ] },
                  "schema_url": "https://opentelemetry.io/schemas/1.26.0",
                  "scope_spans": [
                    {
                      "scope": { "name": "snake.library", "version": "0.1.0" },
                      "spans": [
                        {
                          "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
                          "span_id": "00f067aa0ba902b7",
                          "parent_span_id": "53995c3f42cd8ad8",
                          "trace_state": "rojo=1",
                          "name": "snake span",
                          "kind": 4,
                          "start_time_unix_nano": "1544712660000000000",
                          "end_time_unix_nano": "1544712660250000000",
                          "attributes": [ { "key": "retry.count", "value": { "int_value": "7" } } ],
                          "dropped_attributes_count": 2,
                          "events": [ { "time_unix_nano": "1544712660100000000", "name": "sent" } ],
                          "status": { "code": 1, "message": "fine" }
                        }
                      ]
                    }
                  ]
                }
              ]
            }
            """));

        await AssertAcceptedAsync(response);
        var span = Assert.Single(await host.Store.GetTraceAsync(TraceIds.FromHex("4bf92f3577b34da6a3ce929d0e0e4736"), CancellationToken.None));
        Assert.Equal("00f067aa0ba902b7", TraceIds.ToHex(span.SpanId));
        Assert.Equal("53995c3f42cd8ad8", TraceIds.ToHex(span.ParentSpanId));
        Assert.Equal("rojo=1", span.TraceState);
        Assert.Equal("snake span", span.Name);
        Assert.Equal(SpanKind.Producer, span.Kind);
        Assert.Equal((T0, T0 + 250_000_000), (span.StartUnixNanos, span.EndUnixNanos));
        JsonAssert.Equivalent("""{ "retry.count": 7 }""", span.AttributesJson);
        Assert.Equal(2u, span.DroppedAttributesCount);
        JsonAssert.Equivalent("""[ { "timeUnixNano": 1544712660100000000, "name": "sent", "attributes": {}, "droppedAttributesCount": 0 } ]""", span.EventsJson);
        Assert.Equal((SpanStatusCode.Ok, "fine"), (span.StatusCode, span.StatusMessage));
        Assert.Equal("snake-service", span.Resource.ServiceName);
        Assert.Equal("https://opentelemetry.io/schemas/1.26.0", span.Resource.SchemaUrl);
        Assert.Equal(("snake.library", "0.1.0"), (span.Scope.Name, span.Scope.Version));
    }

    [Fact]
    public async Task Partial_success_in_json_names_the_rejected_span_and_counts_it_as_a_string()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await CollectorHost.StartAsync(storage);
        using var client = new OtlpClient(host);

        using var response = await client.PostAsync("traces", OtlpClient.Json("""
            {
              "resourceSpans": [ { "scopeSpans": [ { "spans": [
                { "traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b7", "name": "kept",
                  "startTimeUnixNano": "1544712660000000000", "endTimeUnixNano": "1544712660000000001" },
                { "traceId": "4bf92f3577b34da6", "spanId": "00f067aa0ba902b8", "name": "short trace id",
                  "startTimeUnixNano": "1544712660000000000", "endTimeUnixNano": "1544712660000000001" }
              ] } ] } ]
            }
            """));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var partialSuccess = json.RootElement.GetProperty("partialSuccess");
        Assert.Equal("1", partialSuccess.GetProperty("rejectedSpans").GetString());
        Assert.Contains("span 'short trace id': trace_id must be 16 bytes", partialSuccess.GetProperty("errorMessage").GetString());
        var kept = Assert.Single(await host.Store.GetTraceAsync(TraceIds.FromHex("4bf92f3577b34da6a3ce929d0e0e4736"), CancellationToken.None));
        Assert.Equal("kept", kept.Name);
        Assert.Equal("unknown_service", kept.Resource.ServiceName);
    }

    private static async Task AssertAcceptedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equivalent("{}", body);
    }

    private static void AssertResourceAndScope(TelemetryResource resource, TelemetryScope scope)
    {
        Assert.Equal("json-checkout", resource.ServiceName);
        JsonAssert.Equivalent("""{ "service.name": "json-checkout", "service.version": "2.4.1", "host.cpu.count": 8 }""", resource.AttributesJson);
        Assert.Equal(1u, resource.DroppedAttributesCount);
        Assert.Equal("https://opentelemetry.io/schemas/1.26.0", resource.SchemaUrl);
        Assert.Equal("my.library", scope.Name);
        Assert.Equal("1.0.0", scope.Version);
        JsonAssert.Equivalent("""{ "my.scope.attribute": "some scope attribute" }""", scope.AttributesJson);
        Assert.Equal(2u, scope.DroppedAttributesCount);
        Assert.Equal("https://opentelemetry.io/schemas/1.24.0", scope.SchemaUrl);
    }

    private static async Task<IReadOnlyList<MetricPointRecord>> PointsAsync(CollectorHost host, string name) =>
        await host.Store.GetMetricPointsAsync(name, 0, long.MaxValue, CancellationToken.None);
}
