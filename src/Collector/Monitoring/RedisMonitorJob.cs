using System.Collections.Concurrent;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Observability.Collector.Monitoring;

/// <summary>Scrapes each watched Redis through INFO: keyspace hits and misses (for the cache hit ratio) and clients.</summary>
public sealed class RedisMonitorJob(IOptions<MonitoringOptions> options, MonitoringPoints points, ILogger<RedisMonitorJob> logger)
{
    public const string RecurringJobId = "monitoring-redis";

    // One connection per server for the life of the process, as StackExchange.Redis intends.
    private static readonly ConcurrentDictionary<string, Lazy<Task<ConnectionMultiplexer>>> Connections = new();

    // A counter's start time must not move between scrapes, or every point reads as a restart: it is worked out once per
    // server run (INFO run_id) from the uptime, which INFO gives only to the second.
    private static readonly ConcurrentDictionary<string, long> StartTimes = new();

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 30)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, target) in options.Value.Redis)
        {
            try
            {
                await points.WriteAsync(await ScrapeAsync(name, target));
            }
            catch (Exception error) when (error is RedisException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Redis {Name} could not be scraped: {Error}", name, error.Message);
            }
        }
    }

    private async Task<List<Core.Telemetry.MetricPointRecord>> ScrapeAsync(string name, RedisTarget target)
    {
        var connection = await Connections.GetOrAdd(target.ConnectionString, configuration => new Lazy<Task<ConnectionMultiplexer>>(() =>
        {
            var settings = ConfigurationOptions.Parse(configuration);
            settings.AbortOnConnectFail = false;
            settings.ConnectTimeout = 2000;
            settings.SyncTimeout = 2000;
            settings.AsyncTimeout = 2000;
            settings.AllowAdmin = true;
            // A monitor must not move the statistics it reads: no tie-breaker key read (a keyspace miss) on connect.
            settings.TieBreaker = "";
            return ConnectionMultiplexer.ConnectAsync(settings);
        })).Value;
        var server = connection.GetServers().FirstOrDefault() ?? throw new InvalidOperationException("no Redis server in the connection string");
        var info = (await server.InfoAsync()).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        var now = points.NowUnixNanos;
        var run = info.TryGetValue("run_id", out var id) ? id : name;
        var start = StartTimes.GetOrAdd(run, _ => now - (long)(Number(info, "uptime_in_seconds") * 1e9));
        var resource = MonitoringPoints.Resource("redis", name);
        return
        [
            MonitoringPoints.Counter(resource, "redis.keyspace.hits", "{hit}", start, now, Number(info, "keyspace_hits")),
            MonitoringPoints.Counter(resource, "redis.keyspace.misses", "{miss}", start, now, Number(info, "keyspace_misses")),
            MonitoringPoints.Gauge(resource, "redis.clients.connected", "{client}", now, Number(info, "connected_clients")),
            MonitoringPoints.Gauge(resource, "redis.memory.used", "By", now, Number(info, "used_memory")),
        ];
    }

    private static double Number(Dictionary<string, string> info, string key) =>
        info.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"INFO has no number '{key}'");
}
