using System.Net;
using System.Text.Json;
using Observability.Collector.Tests.Infrastructure;

namespace Observability.Collector.Tests.Query;

/// <summary>GETs on the query API of a test Collector, read back as JSON.</summary>
internal static class QueryHttp
{
    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(CollectorHost host, string pathAndQuery)
    {
        using var client = new HttpClient { BaseAddress = new Uri(host.ApiUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.GetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json",
            $"GET {pathAndQuery} answered {(int)response.StatusCode} with {response.Content.Headers.ContentType}: {text}");
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>GETs and asserts 200.</summary>
    public static async Task<JsonElement> GetOkAsync(CollectorHost host, string pathAndQuery)
    {
        var (status, body) = await GetAsync(host, pathAndQuery);
        Assert.True(status == HttpStatusCode.OK, $"GET {pathAndQuery} answered {(int)status}: {body}");
        return body;
    }

    public static string Escape(string value) => Uri.EscapeDataString(value);
}
