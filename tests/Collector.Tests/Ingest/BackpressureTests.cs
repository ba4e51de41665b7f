using System.Collections.Concurrent;
using System.Net;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Observability.Collector.Tests.Infrastructure;
using Observability.Core.Rollups;
using Observability.Core.Storage;
using Observability.Core.Telemetry;

namespace Observability.Collector.Tests.Ingest;

/// <summary>
/// With storage slowed down, a flood of exports fills the bounded queue: the Collector refuses the excess with
/// 429 / UNAVAILABLE and a retry delay, never holds more than its capacity, and stores exactly what it acknowledged.
/// </summary>
public sealed class BackpressureTests
{
    private const int QueueCapacity = 400;
    private const int SpansPerExport = 20;

    private static Task<CollectorHost> StartSlowCollectorAsync(TestStorage storage) =>
        CollectorHost.StartAsync(storage, new Dictionary<string, string?>
        {
            ["Collector:Ingest:QueueCapacityItems"] = QueueCapacity.ToString(),
            ["Collector:Ingest:MaxBatchItems"] = "100",
            ["Collector:Ingest:RetryAfterSeconds"] = "3",
        }, services => SlowStore.Decorate(services, TimeSpan.FromMilliseconds(150)));

    [Fact]
    public async Task A_flood_over_http_is_refused_with_429_and_every_acknowledged_export_is_stored()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await StartSlowCollectorAsync(storage);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var acknowledged = new ConcurrentBag<byte[]>();
        var refused = new ConcurrentBag<HttpResponseMessage>();
        using var flooding = new CancellationTokenSource();
        var peakQueued = Task.Run(async () =>
        {
            var peak = 0L;
            while (!flooding.IsCancellationRequested)
            {
                peak = Math.Max(peak, host.Queue.QueuedItems);
                await Task.Delay(1);
            }
            return peak;
        });

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 40 }, async (_, _) =>
        {
            var (request, traceId) = OtlpRequests.Trace(SpansPerExport);
            var response = await client.PostAsync($"{host.HttpUrl}/v1/traces", OtlpRequests.Protobuf(request));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                acknowledged.Add(traceId);
            }
            else
            {
                refused.Add(response);
            }
        });

        await flooding.CancelAsync();
        Assert.NotEmpty(refused);
        Assert.All(refused, response =>
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("3", response.Headers.GetValues("Retry-After").Single());
        });
        Assert.NotEmpty(acknowledged);
        Assert.InRange(await peakQueued, 1, QueueCapacity);
        var counts = await host.Store.CountAsync(CancellationToken.None);
        Assert.Equal(acknowledged.Count * SpansPerExport, counts.Spans);
        foreach (var traceId in acknowledged)
        {
            Assert.Equal(SpansPerExport, (await host.Store.GetTraceAsync(traceId, CancellationToken.None)).Count);
        }
    }

    [Fact]
    public async Task A_flood_over_grpc_is_refused_with_unavailable_and_retry_info()
    {
        using var storage = TestStorage.Sqlite();
        await using var host = await StartSlowCollectorAsync(storage);
        using var channel = GrpcChannel.ForAddress(host.GrpcUrl);
        var acknowledged = 0;
        var refusals = new ConcurrentBag<RpcException>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 40 }, async (_, _) =>
        {
            var (request, _) = OtlpRequests.Trace(SpansPerExport);
            try
            {
                await channel.CreateCallInvoker().AsyncUnaryCall(OtlpGrpcMethods.Traces, null, new CallOptions(), request);
                Interlocked.Increment(ref acknowledged);
            }
            catch (RpcException refusal)
            {
                refusals.Add(refusal);
            }
        });

        Assert.NotEmpty(refusals);
        Assert.All(refusals, refusal =>
        {
            Assert.Equal(StatusCode.Unavailable, refusal.StatusCode);
            var retryInfo = refusal.GetRpcStatus()?.GetDetail<RetryInfo>();
            Assert.NotNull(retryInfo);
            Assert.Equal(TimeSpan.FromSeconds(3), retryInfo.RetryDelay.ToTimeSpan());
        });
        Assert.Equal(acknowledged * SpansPerExport, (await host.Store.CountAsync(CancellationToken.None)).Spans);
    }
}

/// <summary>A store that takes its time over every commit, as an overloaded database would.</summary>
internal sealed class SlowStore(ITelemetryStore inner, TimeSpan delay) : ITelemetryStore
{
    public string ProviderName => inner.ProviderName;

    public Observability.Core.Kpis.IKpiStore Kpis => inner.Kpis;

    public Observability.Core.Alerting.IAlertingStore Alerting => inner.Alerting;

    public Observability.Core.Sla.ISlaStore Sla => inner.Sla;

    public Observability.Core.Users.IUserStore Users => inner.Users;
    public Observability.Core.Alerting.Notifications.IWebhookReceiverStore WebhookReceivers => inner.WebhookReceivers;

    public Observability.Core.Kpis.ICostSettingStore CostSettings => inner.CostSettings;

    public static void Decorate(IServiceCollection services, TimeSpan delay)
    {
        var original = services.Last(d => d.ServiceType == typeof(ITelemetryStore));
        services.Remove(original);
        services.AddSingleton<ITelemetryStore>(provider => new SlowStore((ITelemetryStore)original.ImplementationFactory!(provider), delay));
    }

    public async Task WriteAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken);
        await inner.WriteAsync(batch, cancellationToken);
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public Task CheckReadyAsync(CancellationToken cancellationToken) => inner.CheckReadyAsync(cancellationToken);

    public Task<IReadOnlyList<SpanRecord>> GetTraceAsync(byte[] traceId, CancellationToken cancellationToken) => inner.GetTraceAsync(traceId, cancellationToken);

    public Task<IReadOnlyList<LogRecord>> GetLogsAsync(long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken) =>
        inner.GetLogsAsync(fromUnixNanos, toUnixNanos, limit, cancellationToken);

    public Task<IReadOnlyList<MetricPointRecord>> GetMetricPointsAsync(string metricName, long fromUnixNanos, long toUnixNanos, CancellationToken cancellationToken) =>
        inner.GetMetricPointsAsync(metricName, fromUnixNanos, toUnixNanos, cancellationToken);

    public Task<TelemetryCounts> CountAsync(CancellationToken cancellationToken) => inner.CountAsync(cancellationToken);

    public Task<IReadOnlyList<SpanRollup>> GetSpanRollupsAsync(SpanRollupQuery query, CancellationToken cancellationToken) =>
        inner.GetSpanRollupsAsync(query, cancellationToken);

    public Task<IReadOnlyList<RetentionResult>> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken) =>
        inner.ApplyRetentionAsync(policy, cancellationToken);

    public Task<IReadOnlyList<string>> GetServicesAsync(CancellationToken cancellationToken) => inner.GetServicesAsync(cancellationToken);

    public Task<IReadOnlyList<SpanOperation>> GetOperationsAsync(string serviceName, SpanKind? kind, CancellationToken cancellationToken) =>
        inner.GetOperationsAsync(serviceName, kind, cancellationToken);

    public Task<IReadOnlyList<byte[]>> FindTraceIdsAsync(TraceSearch search, CancellationToken cancellationToken) => inner.FindTraceIdsAsync(search, cancellationToken);

    public Task<IReadOnlyList<SpanRecord>> GetTracesAsync(IReadOnlyCollection<byte[]> traceIds, CancellationToken cancellationToken) =>
        inner.GetTracesAsync(traceIds, cancellationToken);

    public Task<IReadOnlyList<LogRecord>> SearchLogsAsync(LogSearch search, CancellationToken cancellationToken) => inner.SearchLogsAsync(search, cancellationToken);

    public Task<IReadOnlyList<MetricDescriptor>> GetMetricDescriptorsAsync(CancellationToken cancellationToken) => inner.GetMetricDescriptorsAsync(cancellationToken);

    public Task<IReadOnlyList<MetricSeriesKey>> GetMetricSeriesAsync(string metricName, long fromUnixNanos, long toUnixNanos, int limit, CancellationToken cancellationToken) =>
        inner.GetMetricSeriesAsync(metricName, fromUnixNanos, toUnixNanos, limit, cancellationToken);

    public Task<IReadOnlyList<MetricSample>> GetMetricSamplesAsync(MetricSampleQuery query, CancellationToken cancellationToken) =>
        inner.GetMetricSamplesAsync(query, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
