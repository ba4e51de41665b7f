using System.Diagnostics;
using System.Globalization;
using System.Net;
using Observability.SampleWorkload.Shared;
using static Observability.SampleWorkload.Tests.Services.StorefrontCalls;

namespace Observability.SampleWorkload.Tests.Services;

/// <summary>Phase 6: an instance in a distant region adds its latency to every request and tags its spans with the region.</summary>
[Collection(ServicesCollection.Name)]
public sealed class RegionTests(ServicesFixture servers)
{
    [Fact]
    public async Task A_distant_region_adds_its_latency_and_names_itself_on_spans()
    {
        using var recorder = new ActivityRecorder();
        var settings = servers.Settings(phase: 6, quickWins: true);
        settings[KnownSettings.Region] = "ap-south";
        settings[KnownSettings.RegionLatencyMilliseconds] = "250";
        await using var storefront = await servers.StartAsync(KnownRoles.Storefront, settings);
        using var client = storefront.Client(DecompressionMethods.All);

        await GetAsync(client, "/api/categories");
        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/api/categories")).Status);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(250), $"took {stopwatch.ElapsedMilliseconds} ms");
        // The listener hears every server in this process (other test classes run beside this one): only this
        // storefront's spans count.
        var port = client.BaseAddress!.Port;
        var span = await EventuallyAsync(
            () => Task.FromResult(recorder.Server("/api/categories").FirstOrDefault(a => Convert.ToInt32(a.GetTagItem("server.port"), CultureInfo.InvariantCulture) == port)),
            found => found is not null, TimeSpan.FromSeconds(5), "the server span");
        Assert.Equal("ap-south", span!.GetTagItem("cloud.region"));
    }
}
