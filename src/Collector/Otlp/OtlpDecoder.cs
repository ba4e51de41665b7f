using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Observability.Collector.Otlp;

/// <summary>The two OTLP payload encodings.</summary>
public enum OtlpEncoding
{
    Protobuf,
    Json,
}

/// <summary>Decodes OTLP payloads in either encoding, turning every decoding failure into a precise 400.</summary>
internal static class OtlpDecoder
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128 };

    // OTLP/JSON writes trace and span ids as hex, where the protobuf JSON mapping expects base64.
    private static readonly HashSet<string> IdFields = new(StringComparer.Ordinal)
    {
        "traceId", "trace_id", "spanId", "span_id", "parentSpanId", "parent_span_id",
    };

    public static T Decode<T>(MessageParser<T> parser, ReadOnlyMemory<byte> payload, OtlpEncoding encoding)
        where T : IMessage<T>, new()
    {
        try
        {
            return encoding == OtlpEncoding.Protobuf ? parser.ParseFrom(payload.Span) : DecodeJson<T>(payload);
        }
        catch (InvalidProtocolBufferException error)
        {
            // The JSON parser throws this too, for JSON that is well formed but not shaped like the message.
            var encodingName = encoding == OtlpEncoding.Json ? "JSON" : "protobuf";
            throw new OtlpExportException(OtlpRefusal.Malformed, $"The body is not a valid OTLP {typeof(T).Name} in {encodingName}: {error.Message}", error);
        }
        catch (InvalidJsonException error)
        {
            throw new OtlpExportException(OtlpRefusal.Malformed, $"The body is not a valid OTLP {typeof(T).Name} in JSON: {error.Message}", error);
        }
        catch (JsonException error)
        {
            throw new OtlpExportException(OtlpRefusal.Malformed, $"The body is not valid JSON: {error.Message}", error);
        }
        catch (FormatException error)
        {
            throw new OtlpExportException(OtlpRefusal.Malformed, $"The body is not a valid OTLP {typeof(T).Name} in JSON: {error.Message}", error);
        }
    }

    private static T DecodeJson<T>(ReadOnlyMemory<byte> payload) where T : IMessage<T>, new()
    {
        var root = JsonNode.Parse(payload.Span, documentOptions: DocumentOptions)
            ?? throw new OtlpExportException(OtlpRefusal.Malformed, "The body is JSON null, not an OTLP request object.");
        if (root is not JsonObject)
        {
            throw new OtlpExportException(OtlpRefusal.Malformed, $"The body is a JSON {root.GetValueKind()}, not an OTLP request object.");
        }
        ConvertHexIds(root);
        return Parser.Parse<T>(root.ToJsonString());
    }

    private static void ConvertHexIds(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is null)
                    {
                        continue;
                    }
                    if (IdFields.Contains(name) && value.GetValueKind() == JsonValueKind.String)
                    {
                        obj[name] = HexToBase64(value.GetValue<string>());
                    }
                    else
                    {
                        ConvertHexIds(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        ConvertHexIds(item);
                    }
                }
                break;
        }
    }

    /// <summary>
    /// Hex to base64. Text that is not hex becomes a one-byte id, which validation then rejects as an invalid id
    /// for that one item instead of failing the whole request.
    /// </summary>
    private static string HexToBase64(string hex)
    {
        if (hex.Length == 0)
        {
            return "";
        }
        try
        {
            return Convert.ToBase64String(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            return Convert.ToBase64String([0]);
        }
    }
}
