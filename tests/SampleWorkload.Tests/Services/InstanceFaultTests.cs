using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Observability.SampleWorkload.Shared;
using static Observability.SampleWorkload.Tests.Services.StorefrontCalls;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>/internal/faults: the launcher's switch for latency and error faults on one instance.</summary>
[Collection(ServicesCollection.Name)]
public sealed class InstanceFaultTests(ServicesFixture servers) : IAsyncLifetime
{
    private RunningService _storefront = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _storefront = await servers.StartAsync(KnownRoles.Storefront, servers.Settings(phase: 1, quickWins: true));
        _client = _storefront.Client();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _storefront.DisposeAsync();
    }

    [Fact]
    public async Task The_switch_needs_the_control_token_and_names_bad_fields()
    {
        using var anonymous = await _client.PostAsJsonAsync(KnownPaths.InstanceFaults, new { id = "f-1", kind = "latency", durationSeconds = 5 });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var wrongToken = Control(HttpMethod.Post, new { id = "f-1", kind = "latency", durationSeconds = 5 }, "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(wrongToken)).StatusCode);

        AssertBadField(await SendAsync(_client, Control(HttpMethod.Post, new { id = "f-1", kind = "meteor", durationSeconds = 5 })), "kind");
        AssertBadField(await SendAsync(_client, Control(HttpMethod.Post, new { id = "f-1", kind = "errors", durationSeconds = 0 })), "durationSeconds");
        AssertBadField(await SendAsync(_client, Control(HttpMethod.Post, new { id = "f-1", kind = "errors", durationSeconds = 5, magnitude = 2 })), "magnitude");
        AssertBadField(await SendAsync(_client, Control(HttpMethod.Post, new { kind = "errors", durationSeconds = 5 })), "id");
    }

    [Fact]
    public async Task A_latency_fault_slows_requests_and_marks_their_spans_until_deleted()
    {
        using var recorder = new ActivityRecorder();
        var created = await SendAsync(_client, Control(HttpMethod.Post, new { id = "f-latency", kind = "latency", durationSeconds = 60, magnitude = 0.4 }));
        Assert.Equal(HttpStatusCode.Created, created.Status);

        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_client, "/api/categories")).Status);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(0.4), $"took {stopwatch.ElapsedMilliseconds} ms");
        // The health check stays fast: the gateway must not take a slow instance for a dead one.
        stopwatch.Restart();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_client, KnownPaths.Health)).Status);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(0.4), $"health took {stopwatch.ElapsedMilliseconds} ms");

        var span = await EventuallyAsync(() => Task.FromResult(recorder.Server("/api/categories").FirstOrDefault()), found => found is not null, TimeSpan.FromSeconds(5), "the server span");
        var fault = Assert.Single(span!.Events, e => e.Name == "fault");
        Assert.Equal("f-latency", fault.Tags.Single(tag => tag.Key == "fault.id").Value);
        Assert.Equal("latency", fault.Tags.Single(tag => tag.Key == "fault.kind").Value);

        using var delete = Control(HttpMethod.Delete, null, path: KnownPaths.InstanceFaults + "/f-latency");
        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendAsync(delete)).StatusCode);
        stopwatch.Restart();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(_client, "/api/categories")).Status);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(0.4), $"took {stopwatch.ElapsedMilliseconds} ms after the fault was deleted");
    }

    [Fact]
    public async Task An_errors_fault_answers_its_fraction_of_requests_with_500_until_it_ends()
    {
        var created = await SendAsync(_client, Control(HttpMethod.Post, new { id = "f-errors", kind = "errors", durationSeconds = 2, magnitude = 1.0 }));
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var failed = await GetAsync(_client, "/api/categories");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Contains("f-errors", failed.Body.GetProperty("error").GetString());

        // The fault ends by itself after its duration.
        await EventuallyAsync(async () => (await GetAsync(_client, "/api/categories")).Status, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "the end of the errors fault");
    }

    private HttpRequestMessage Control(HttpMethod method, object? body, string? token = null, string path = KnownPaths.InstanceFaults)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? servers.ControlToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return request;
    }
}
