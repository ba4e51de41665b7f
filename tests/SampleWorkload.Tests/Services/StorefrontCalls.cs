using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>The storefront API as the load generator calls it.</summary>
public static class StorefrontCalls
{
    public static async Task<string> LoginAsync(HttpClient client, string user, string password)
    {
        using var response = await client.PostAsJsonAsync("/api/login", new { user, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(user, body.GetProperty("user").GetString());
        return body.GetProperty("token").GetString()!;
    }

    public static HttpRequestMessage Signed(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path, string? token = null) =>
        await SendAsync(client, token is null ? new HttpRequestMessage(HttpMethod.Get, path) : Signed(HttpMethod.Get, path, token));

    /// <summary>Asserts a 400 whose body names the field.</summary>
    public static void AssertBadField((HttpStatusCode Status, JsonElement Body) answer, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Equal(field, answer.Body.GetProperty("field").GetString());
        Assert.Contains(field, answer.Body.GetProperty("error").GetString());
    }

    /// <summary>Polls until the condition holds, failing after the deadline.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{what} did not happen within {timeout.TotalSeconds} s; last value: {value}");
            }
            await Task.Delay(100);
        }
    }
}
