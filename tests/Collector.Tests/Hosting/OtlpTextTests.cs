using Observability.Collector.Otlp;

namespace Observability.Collector.Tests.Hosting;

public sealed class OtlpTextTests
{
    // A table in a fact, not theory data: xunit serializes theory data as UTF-8, which would mend the lone surrogates.
    private static readonly (string Text, string Expected)[] Cases =
    [
        ("plain", "plain"),
        ("nul\0inside", "nul\uFFFDinside"),
        ("lone \uD800 high", "lone \uFFFD high"),
        ("lone \uDC00 low", "lone \uFFFD low"),
        ("pair \uD83D\uDE00 kept", "pair \uD83D\uDE00 kept"),
        ("\uD83D", "\uFFFD"),
        ("\uDE00\uD83D", "\uFFFD\uFFFD"),
    ];

    [Fact]
    public void Text_storage_cannot_hold_becomes_the_replacement_character()
    {
        foreach (var (text, expected) in Cases)
        {
            Assert.Equal(expected, OtlpText.Clean(text));
        }
    }
}
