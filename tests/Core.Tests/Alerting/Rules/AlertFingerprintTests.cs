using Observability.Core.Alerting.Rules;

namespace Observability.Core.Tests.Alerting.Rules;

public sealed class AlertFingerprintTests
{
    [Fact]
    public void Matches_the_fingerprints_prometheus_computes()
    {
        // Test vectors of Prometheus's model package (LabelsToSignature / labelSetToFingerprint): 5799056148416392346
        // for these two labels, and the FNV-1a offset basis 14695981039346656037 for no labels.
        var labels = new Dictionary<string, string> { ["name"] = "garland, briggs", ["fear"] = "love is not enough" };

        Assert.Equal(5799056148416392346UL, AlertFingerprint.Hash(labels));
        Assert.Equal("507a62d79ee76c9a", AlertFingerprint.Of(labels));
        Assert.Equal(14695981039346656037UL, AlertFingerprint.Hash(new Dictionary<string, string>()));
    }

    [Fact]
    public void Is_16_hex_digits_independent_of_label_order_and_sensitive_to_every_value()
    {
        var a = new Dictionary<string, string> { ["alertname"] = "HighErrorRatio", ["service"] = "shop", ["severity"] = "page" };
        var b = new Dictionary<string, string> { ["severity"] = "page", ["service"] = "shop", ["alertname"] = "HighErrorRatio" };
        var c = new Dictionary<string, string> { ["alertname"] = "HighErrorRatio", ["service"] = "cart", ["severity"] = "page" };

        Assert.Matches("^[0-9a-f]{16}$", AlertFingerprint.Of(a));
        Assert.Equal(AlertFingerprint.Of(a), AlertFingerprint.Of(b));
        Assert.NotEqual(AlertFingerprint.Of(a), AlertFingerprint.Of(c));
    }
}
