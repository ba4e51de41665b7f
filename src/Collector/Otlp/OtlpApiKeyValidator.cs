using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;

namespace Observability.Collector.Otlp;

/// <summary>Checks the optional OTLP API key, accepting the primary or the secondary key so keys can be rotated.</summary>
public sealed class OtlpApiKeyValidator(IOptionsMonitor<CollectorOptions> options)
{
    public const string HeaderName = "x-otlp-api-key";

    /// <summary>Throws an Unauthenticated refusal when keys are configured and the request carries neither.</summary>
    public void Check(IHeaderDictionary headers)
    {
        var auth = options.CurrentValue.Otlp;
        if (!auth.IsEnabled)
        {
            return;
        }
        var presented = headers[HeaderName].ToString();
        if (presented.Length == 0)
        {
            throw new OtlpExportException(OtlpRefusal.Unauthenticated, $"Missing API key: send it in the '{HeaderName}' header.");
        }
        // Both comparisons always run, and on fixed-size digests, so timing reveals neither which key matched nor its length.
        var matchesPrimary = Matches(presented, auth.PrimaryApiKey);
        var matchesSecondary = Matches(presented, auth.SecondaryApiKey);
        if (!(matchesPrimary | matchesSecondary))
        {
            throw new OtlpExportException(OtlpRefusal.Unauthenticated, $"The API key in the '{HeaderName}' header is not valid.");
        }
    }

    private static bool Matches(string presented, string? expected)
    {
        var presentedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var expectedDigest = SHA256.HashData(Encoding.UTF8.GetBytes(expected ?? ""));
        return CryptographicOperations.FixedTimeEquals(presentedDigest, expectedDigest) && !string.IsNullOrEmpty(expected);
    }
}
