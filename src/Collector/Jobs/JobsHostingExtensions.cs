using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;
using Observability.Collector.Alerting;
using Observability.Collector.Hosting;
using Observability.Collector.Monitoring;
using Observability.Collector.Roadmap;
using Observability.Collector.Sla;
using Observability.Collector.Storage;
using Observability.Core.Sla;
using Observability.Core.Storage;

namespace Observability.Collector.Jobs;

/// <summary>
/// Hangfire for the Collector's recurring jobs: on PostgreSQL its tables live in the same database (schema "hangfire"),
/// so every Collector sharing it runs each occurrence once; on the embedded store, in memory in this one process.
/// </summary>
public static class JobsHostingExtensions
{
    public static WebApplicationBuilder AddCollectorJobs(this WebApplicationBuilder builder)
    {
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var postgres = storage.Provider == StorageProvider.Postgres ? builder.Configuration.GetConnectionString("Postgres") : null;

        // Hangfire's defaults are process-wide (JobStorage.Current, JobActivator.Current); registered here first, this
        // host's storage and container serve its server and recurring jobs even when a process hosts more than one.
        builder.Services.AddSingleton<JobStorage>(_ => postgres is not null
            ? new PostgreSqlStorage(
                new NpgsqlConnectionFactory(postgres, new PostgreSqlStorageOptions()),
                new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(1) })
            : new Hangfire.InMemory.InMemoryStorage());
        builder.Services.AddSingleton<JobActivator>(provider => new Hangfire.AspNetCore.AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((provider, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new HangfireLogProvider(provider.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddHangfireServer(server =>
        {
            server.WorkerCount = 2;
            // Recurring jobs run every few seconds, so the scheduler looks that often.
            server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        var monitoring = builder.Configuration.GetSection(MonitoringOptions.Section);
        builder.Services.AddOptions<MonitoringOptions>().Bind(monitoring);
        foreach (var (name, probe) in monitoring.Get<MonitoringOptions>()?.Probes ?? [])
        {
            if (!Uri.TryCreate(probe.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"Monitoring:Probes:{name}:Url '{probe.Url}' is not an absolute http or https URL");
            }
            if (probe.TimeoutSeconds is <= 0 or > 60)
            {
                throw new ConfigurationException($"Monitoring:Probes:{name}:TimeoutSeconds {probe.TimeoutSeconds} must be above 0 and at most 60");
            }
        }
        builder.Services.AddSingleton<MonitoringPoints>();
        builder.Services.AddSingleton<PostgresCpuSampler>();
        builder.Services.AddHttpClient(ProbeJob.HttpClientName, client => client.DefaultRequestHeaders.UserAgent.ParseAdd("Observability-Probe/1.0"))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
        Alerting.Webhooks.WebhookHostingExtensions.AddWebhookDelivery(builder);
        builder.Services.AddHostedService<RecurringJobRegistration>();
        return builder;
    }

    /// <summary>
    /// Registers (or updates) the recurring jobs once the host has started. A job whose registration lock is held (on
    /// PostgreSQL, by a Collector killed while holding it: the lock stays until Hangfire's lock timeout) is retried in
    /// the background rather than stopping this Collector; its definition already in the database keeps running meanwhile.
    /// </summary>
    private sealed class RecurringJobRegistration(
        IRecurringJobManager jobs, IOptions<RoadmapOptions> roadmap, IOptions<MonitoringOptions> monitoring, IOptions<StorageOptions> storage, SlaOptions sla,
        IOptions<AlertingOptions> alerting, ILogger<RecurringJobRegistration> logger) : IHostedService
    {
        private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

        private readonly CancellationTokenSource _stopping = new();
        private Task? _retrying;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            var watch = monitoring.Value;
            List<Action> registrations =
            [
                () => Schedule<KpiJob>(KpiJob.RecurringJobId, true, job => job.RunAsync(CancellationToken.None), "Roadmap:KpiSchedule", roadmap.Value.KpiSchedule),
                () => Schedule<RetentionJob>(RetentionJob.RecurringJobId, true, job => job.RunAsync(CancellationToken.None), "Storage:RetentionSchedule", storage.Value.RetentionSchedule),
                () => Schedule<SlaJob>(SlaJob.RecurringJobId, true, job => job.RunAsync(CancellationToken.None), "Sla:Schedule", sla.Schedule),
                () => Schedule<AlertingJob>(AlertingJob.RecurringJobId, true, job => job.RunAsync(CancellationToken.None), "Alerting:EvaluationSchedule", alerting.Value.EvaluationSchedule),
                () => Schedule<ProbeJob>(ProbeJob.RecurringJobId, watch.Probes.Count > 0, job => job.RunAsync(CancellationToken.None), "Monitoring:ProbeSchedule", watch.ProbeSchedule),
                () => Schedule<PostgresMonitorJob>(PostgresMonitorJob.RecurringJobId, watch.Postgres.Count > 0, job => job.RunAsync(CancellationToken.None), "Monitoring:ScrapeSchedule", watch.ScrapeSchedule),
                () => Schedule<RedisMonitorJob>(RedisMonitorJob.RecurringJobId, watch.Redis.Count > 0, job => job.RunAsync(CancellationToken.None), "Monitoring:ScrapeSchedule", watch.ScrapeSchedule),
            ];
            var pending = registrations.Where(register => !TryRegister(register)).ToList();
            if (pending.Count > 0)
            {
                _retrying = RetryAsync(pending, _stopping.Token);
            }
            return Task.CompletedTask;
        }

        /// <summary>False when the job's lock could not be taken in time; a bad setting still stops the start.</summary>
        private bool TryRegister(Action register)
        {
            try
            {
                register();
                return true;
            }
            catch (Exception error) when (error is Hangfire.Storage.DistributedLockTimeoutException or PostgreSqlDistributedLockException)
            {
                logger.LogWarning("A recurring job could not be registered yet ({Reason}); retrying every {Seconds} s, its stored definition keeps running meanwhile",
                    error.Message, RetryInterval.TotalSeconds);
                return false;
            }
        }

        private async Task RetryAsync(List<Action> pending, CancellationToken cancellationToken)
        {
            try
            {
                while (pending.Count > 0)
                {
                    await Task.Delay(RetryInterval, cancellationToken);
                    pending.RemoveAll(TryRegister);
                }
                logger.LogInformation("Every recurring job is registered");
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        /// <summary>A job with nothing to watch is removed, so a Collector sharing the database does not keep running it.</summary>
        private void Schedule<T>(string id, bool wanted, System.Linq.Expressions.Expression<Func<T, Task>> call, string setting, string cron)
        {
            if (!wanted)
            {
                jobs.RemoveIfExists(id);
                return;
            }
            try
            {
                jobs.AddOrUpdate(id, call, cron);
            }
            catch (ArgumentException error)
            {
                throw new ConfigurationException($"{setting} '{cron}' is not a cron expression (5 fields, or 6 with seconds first): {error.Message}");
            }
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _stopping.CancelAsync();
            if (_retrying is not null)
            {
                await _retrying;
            }
        }
    }
}
