using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;
using Observability.Collector.Roadmap;
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
        builder.Services.AddHostedService<RecurringJobRegistration>();
        return builder;
    }

    /// <summary>Registers (or updates) the recurring jobs once the host has started.</summary>
    private sealed class RecurringJobRegistration(IRecurringJobManager jobs, IOptions<RoadmapOptions> roadmap) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            jobs.AddOrUpdate<KpiJob>(KpiJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), roadmap.Value.KpiSchedule);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
