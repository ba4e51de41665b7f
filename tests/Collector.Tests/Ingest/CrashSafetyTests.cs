using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Storage;
using Observability.Core.Storage.Postgres;
using Observability.Core.Storage.Sqlite;
using Observability.Tests.Shared;
using Xunit.Abstractions;

namespace Observability.Collector.Tests.Ingest;

/// <summary>
/// The durability promise: an export the Collector acknowledged survives SIGKILL. Exports are sent from several
/// clients at once, so acknowledgements come from shared group commits, and the process is killed mid-stream.
/// </summary>
public abstract class CrashSafetyTests(ITestOutputHelper output)
{
    private const int SpansPerExport = 10;
    private const int AcknowledgedBeforeKill = 150;

    protected abstract Task<TestStorage> CreateStorageAsync();

    protected abstract ITelemetryStore OpenStore(TestStorage storage);

    [Fact]
    public async Task Every_acknowledged_export_survives_a_kill()
    {
        using var storage = await CreateStorageAsync();
        var acknowledged = new ConcurrentBag<byte[]>();
        await using (var collector = await CollectorProcess.StartAsync(storage))
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var enough = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!enough.IsCancellationRequested)
                {
                    var (request, traceId) = OtlpRequests.Trace(SpansPerExport);
                    try
                    {
                        using var response = await client.PostAsync($"{collector.HttpUrl}/v1/traces", OtlpRequests.Protobuf(request));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(traceId);
                            if (acknowledged.Count >= AcknowledgedBeforeKill)
                            {
                                await enough.CancelAsync();
                            }
                        }
                    }
                    catch (Exception) when (enough.IsCancellationRequested)
                    {
                        return;
                    }
                }
            })).ToList();

            // Kill while senders are still mid-request, the way a crash would find the process.
            await WaitUntilAsync(() => acknowledged.Count >= AcknowledgedBeforeKill, TimeSpan.FromSeconds(60), collector.Output);
            await collector.KillAsync();
            await enough.CancelAsync();
            await Task.WhenAll(senders);
        }

        // The Collector must start again on what the crash left behind (WAL recovery, migrations already applied).
        await using (var restarted = await CollectorProcess.StartAsync(storage))
        {
            using var client = new HttpClient();
            using var ready = await client.GetAsync($"{restarted.ApiUrl}/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            await restarted.KillAsync();
        }

        await using var store = OpenStore(storage);
        var missing = 0;
        foreach (var traceId in acknowledged)
        {
            var spans = await store.GetTraceAsync(traceId, CancellationToken.None);
            if (spans.Count != SpansPerExport)
            {
                missing++;
            }
        }
        output.WriteLine($"{storage.Name}: {acknowledged.Count} exports acknowledged before SIGKILL, {missing} missing after restart");
        Assert.True(missing == 0, $"{missing} of {acknowledged.Count} acknowledged exports were lost or incomplete after SIGKILL.");
        Assert.True(acknowledged.Count >= AcknowledgedBeforeKill);
    }

    [Fact]
    public async Task A_gzip_bomb_is_refused_without_inflating_it()
    {
        using var storage = await CreateStorageAsync();
        await using var collector = await CollectorProcess.StartAsync(storage);
        var bomb = GzipBomb.OneGibibyteOfZeros;
        using var client = new HttpClient();
        var content = new ByteArrayContent(bomb);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await client.PostAsync($"{collector.HttpUrl}/v1/traces", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(bomb.Length < 2 * 1024 * 1024, $"the bomb is {bomb.Length} bytes compressed");
        var peak = collector.PeakResidentBytes();
        output.WriteLine($"{storage.Name}: refused a {bomb.Length / 1024} KiB gzip bomb (1 GiB inflated); Collector peak RSS {peak / (1024 * 1024)} MiB");
        Assert.True(peak < 300L * 1024 * 1024, $"peak resident memory {peak / (1024 * 1024)} MiB while refusing a {bomb.Length / 1024} KiB bomb that inflates to 1 GiB");
        using var healthy = await client.GetAsync($"{collector.ApiUrl}/healthz");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string context)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within {timeout}:\n{context}");
            }
            await Task.Delay(20);
        }
    }
}

public sealed class SqliteCrashSafetyTests(ITestOutputHelper output) : CrashSafetyTests(output)
{
    protected override Task<TestStorage> CreateStorageAsync() => Task.FromResult(TestStorage.Sqlite());

    protected override ITelemetryStore OpenStore(TestStorage storage) =>
        new SqliteTelemetryStore(new SqliteStorageOptions { Path = storage.Settings["Storage:Sqlite:Path"]! }, NullLogger<SqliteTelemetryStore>.Instance);
}

public sealed class PostgresCrashSafetyTests(PostgresServer server, ITestOutputHelper output) : CrashSafetyTests(output), IClassFixture<PostgresServer>
{
    protected override Task<TestStorage> CreateStorageAsync() => TestStorage.PostgresAsync(server);

    protected override ITelemetryStore OpenStore(TestStorage storage) =>
        new PostgresTelemetryStore(storage.Settings["ConnectionStrings:Postgres"]!, NullLogger<PostgresTelemetryStore>.Instance);
}
