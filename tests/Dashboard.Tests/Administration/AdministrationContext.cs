using Bunit;
using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Observability.Collector.Alerting;
using Observability.Collector.Alerting.Webhooks;
using Observability.Collector.Hosting;
using Observability.Collector.Roadmap;
using Observability.Core.Alerting.Rules;
using Observability.Core.Kpis;
using Observability.Core.Alerting.Notifications;
using Observability.Core.Roadmap;
using Observability.Core.Security;
using Observability.Core.Storage;
using Observability.Core.Storage.Sqlite;
using Observability.Dashboard.Administration;
using Observability.Dashboard.Users;

namespace Observability.Dashboard.Tests.Administration;

/// <summary>
/// A bUnit context with the Administration services on a real SQLite store in a temporary folder, real webhook sending over
/// HTTP, the shipped roadmap, and a signed-in user of a chosen role with the policies that role satisfies.
/// </summary>
public abstract class AdministrationContext : MudTestContext, IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    protected AdministrationContext()
    {
        Folder = Directory.CreateTempSubdirectory("obs-admin-").FullName;
        Store = new SqliteTelemetryStore(new SqliteStorageOptions { Path = Path.Combine(Folder, "test.db") }, NullLogger<SqliteTelemetryStore>.Instance);
        Roadmap = RoadmapLoader.Load(Path.Combine(AppContext.BaseDirectory, "roadmap.yaml"));
        var services = Context.Services;
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<ITelemetryStore>(Store);
        services.AddSingleton(Roadmap);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dashboard:DataFolder"] = Folder }).Build());
        Accounts = new UserAccounts(Store, Time);
        services.AddSingleton(Accounts);
        services.AddSingleton(Options.Create(Webhooks));
        services.AddSingleton<IRecurringJobManager>(Jobs);
        services.AddSingleton<WebhookReceivers>();
        services.AddHttpClient(WebhookDeliveryJob.HttpClientName);
        services.AddSingleton<WebhookSender>();
        services.AddSingleton(new NotificationDispatcher("http://127.0.0.1:8080"));
        services.AddSingleton<WebhookTestNotification>();
        services.AddSingleton(Options.Create(Alerting));
        services.AddSingleton(Options.Create(new RoadmapOptions()));
        services.AddSingleton(new AlertRuleSet(DefaultAlertRules.For(Roadmap, Alerting.Phase, new RoadmapOptions().MeasurementWindow), [], null));
        services.AddSingleton(new CostModel(Cost, Roadmap));
        services.AddSingleton<IKpiStore>(Store.Kpis);
        services.AddSingleton(Options.Create(new CollectorOptions()));
        services.AddAdministrationPages();
    }

    protected FakeTimeProvider Time { get; } = new(Now);

    protected string Folder { get; }

    protected SqliteTelemetryStore Store { get; }

    protected RoadmapDefinition Roadmap { get; }

    protected WebhookOptions Webhooks { get; } = new();

    protected RecordingJobManager Jobs { get; } = new();

    protected AlertingOptions Alerting { get; } = new() { Phase = 2 };

    protected CostOptions Cost { get; } = new() { Phase = 2 };

    protected UserAccounts Accounts { get; }

    /// <summary>Signs in a user of the role, with the policies the role satisfies (as KnownPolicies lists them).</summary>
    protected void SignInAs(string name, string role)
    {
        var authorization = Context.AddAuthorization();
        authorization.SetAuthorized(name);
        authorization.SetRoles(role);
        authorization.SetPolicies([.. KnownPolicies.Roles.Where(p => p.Value.Contains(role)).Select(p => p.Key)]);
    }

    async Task IAsyncLifetime.InitializeAsync() => await Store.InitializeAsync(CancellationToken.None);

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Store.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>Hangfire's recurring jobs as far as the webhook tick's schedule goes: which ids are scheduled.</summary>
public sealed class RecordingJobManager : IRecurringJobManager
{
    public HashSet<string> Scheduled { get; } = [];

    public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options) => Scheduled.Add(recurringJobId);

    public void Trigger(string recurringJobId)
    {
    }

    public void RemoveIfExists(string recurringJobId) => Scheduled.Remove(recurringJobId);
}
