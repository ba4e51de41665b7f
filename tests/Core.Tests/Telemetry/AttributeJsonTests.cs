using System.Globalization;
using System.Text;
using System.Text.Json;
using Observability.Core.Telemetry;

namespace Observability.Core.Tests.Telemetry;

public sealed class AttributeJsonTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1.5e20, "150000000000000000000.0")]
    [InlineData(1e-7, "0.0000001")]
    [InlineData(-1.2345e-7, "-0.00000012345")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(0.0, "0.0")]
    public void Doubles_are_written_in_plain_decimal_with_a_point(double value, string expected)
    {
        Assert.Equal(expected, AttributeJson.FormatDouble(value));
    }

    [Fact]
    public void Plain_decimal_doubles_round_trip_exactly_across_the_whole_range()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 20_000; i++)
        {
            var value = BitConverter.Int64BitsToDouble(random.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }
            var text = AttributeJson.FormatDouble(value);
            Assert.DoesNotContain('E', text);
            Assert.Contains('.', text);
            Assert.Equal(value, double.Parse(text, CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Every_value_type_reads_back_as_the_type_it_was()
    {
        var json = Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("s", "text");
            writer.WriteBoolean("b", false);
            writer.WriteNumber("i", -42);
            writer.WritePropertyName("d");
            AttributeJson.WriteDouble(writer, 3.0);
            writer.WritePropertyName("nan");
            AttributeJson.WriteDouble(writer, double.NaN);
            writer.WritePropertyName("inf");
            AttributeJson.WriteDouble(writer, double.NegativeInfinity);
            writer.WritePropertyName("bytes");
            AttributeJson.WriteBytes(writer, [1, 2, 3]);
            writer.WritePropertyName("list");
            AttributeJson.WriteStartKvList(writer, needsWrapper: true);
            writer.WriteString("$bytes", "a key that looks special");
            AttributeJson.WriteEndKvList(writer, needsWrapper: true);
            writer.WriteNull("empty");
            writer.WriteEndObject();
        });

        var values = AttributeJson.ParseAttributes(json).ToDictionary();

        Assert.Equal("text", values["s"]);
        Assert.Equal(false, values["b"]);
        Assert.Equal(-42L, values["i"]);
        Assert.Equal(3.0, Assert.IsType<double>(values["d"]));
        Assert.True(double.IsNaN(Assert.IsType<double>(values["nan"])));
        Assert.Equal(double.NegativeInfinity, values["inf"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, values["bytes"]);
        var list = Assert.IsType<List<KeyValuePair<string, object?>>>(values["list"]);
        Assert.Equal(KeyValuePair.Create("$bytes", (object?)"a key that looks special"), Assert.Single(list));
        Assert.Null(values["empty"]);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
