using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Observability.Collector.Otlp.Proto.Common.V1;
using Observability.Core.Telemetry;

namespace Observability.Collector.Otlp;

/// <summary>
/// Writes OTLP attributes and structured fields into the stored JSON form (<see cref="AttributeJson"/>).
/// One instance per request: it reuses a single buffer and writer for every item.
/// </summary>
internal sealed class OtlpJsonEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public OtlpJsonEncoder()
    {
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    public string Attributes(RepeatedField<KeyValue> attributes)
    {
        if (attributes.Count == 0)
        {
            return AttributeJson.Empty;
        }
        WriteAttributes(attributes);
        return Finish();
    }

    public string Value(AnyValue? value)
    {
        WriteValue(value);
        return Finish();
    }

    /// <summary>Begins a JSON document written by the caller through <see cref="Writer"/>; end it with <see cref="Finish"/>.</summary>
    public Utf8JsonWriter Writer => _writer;

    public string Finish()
    {
        _writer.Flush();
        var text = Encoding.UTF8.GetString(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        return text;
    }

    public void WriteAttributes(RepeatedField<KeyValue> attributes)
    {
        _writer.WriteStartObject();
        foreach (var attribute in attributes)
        {
            _writer.WritePropertyName(OtlpText.Clean(attribute.Key));
            WriteValue(attribute.Value);
        }
        _writer.WriteEndObject();
    }

    public void WriteHexId(string name, ByteString id) => _writer.WriteString(name, TraceIds.ToHex(id.Span));

    private void WriteValue(AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue:
                _writer.WriteStringValue(OtlpText.Clean(value!.StringValue));
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                _writer.WriteBooleanValue(value!.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                _writer.WriteNumberValue(value!.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                AttributeJson.WriteDouble(_writer, value!.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                AttributeJson.WriteBytes(_writer, value!.BytesValue.Span);
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                _writer.WriteStartArray();
                foreach (var item in value!.ArrayValue.Values)
                {
                    WriteValue(item);
                }
                _writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                var pairs = value!.KvlistValue.Values;
                var needsWrapper = pairs.Any(pair => pair.Key.StartsWith('$'));
                AttributeJson.WriteStartKvList(_writer, needsWrapper);
                foreach (var pair in pairs)
                {
                    _writer.WritePropertyName(OtlpText.Clean(pair.Key));
                    WriteValue(pair.Value);
                }
                AttributeJson.WriteEndKvList(_writer, needsWrapper);
                break;
            default:
                _writer.WriteNullValue();
                break;
        }
    }
}

/// <summary>Text as storage accepts it.</summary>
internal static class OtlpText
{
    /// <summary>
    /// PostgreSQL cannot store U+0000 and no UTF-8 writer can encode a lone surrogate (OTLP/JSON can carry one as
    /// <c>"\ud800"</c>); both become U+FFFD, the replacement character, so one odd string can neither fail the
    /// commit its batch shares with others nor the JSON it is written into.
    /// </summary>
    public static string Clean(string text)
    {
        if (text.AsSpan().IndexOf('\0') < 0 && text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return text;
        }
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
                {
                    span[i] = c;
                    span[++i] = source[i];
                }
                else
                {
                    span[i] = c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c;
                }
            }
        });
    }
}
