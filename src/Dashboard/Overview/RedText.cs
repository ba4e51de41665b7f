using System.Globalization;
using Observability.Core.Rollups;

namespace Observability.Dashboard.Overview;

/// <summary>Requests/s, error ratio and p99 in plain words, with "no data" said as such rather than as a zero.</summary>
public static class RedText
{
    public static string Rate(RedPoint red) =>
        string.Create(CultureInfo.InvariantCulture, $"{red.RequestRatePerSecond:0.#} requests/s ({red.Requests:N0} requests)");

    public static string Errors(RedPoint red) => red.ErrorRatio is { } ratio
        ? string.Create(CultureInfo.InvariantCulture, $"error ratio {ratio * 100:0.##}% ({red.Errors:N0} errors)")
        : "error ratio: no requests";

    public static string P99(RedPoint red) => red.P99Ms is { } p99
        ? string.Create(CultureInfo.InvariantCulture, $"p99 {p99:0} ms")
        : "p99: no requests";

    public static string NoData(string? service) => service is null
        ? "No spans arrived in the last minute: is anything exporting to the OTLP endpoints?"
        : $"No spans from {service} arrived in the last minute.";
}
