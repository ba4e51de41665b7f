using System.Globalization;
using Observability.Core.Rollups;

namespace Observability.Dashboard.Telemetry;

/// <summary>Table cells for rate, error ratio and percentiles: "–" where a window had no requests, never a made-up zero.</summary>
public static class RedCells
{
    public const string None = "–";

    public static string Rate(RedPoint red) => string.Create(CultureInfo.InvariantCulture, $"{red.RequestRatePerSecond:0.###}");

    public static string Requests(RedPoint red) => red.Requests.ToString("N0", CultureInfo.InvariantCulture);

    public static string ErrorRatio(RedPoint red) => red.ErrorRatio is { } ratio
        ? string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0.##}% ({red.Errors:N0})")
        : None;

    public static string Milliseconds(double? value) => value is { } ms
        ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.#} ms")
        : None;
}
