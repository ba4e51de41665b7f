using Observability.Dashboard.Administration.Cost;
using Observability.Dashboard.Administration.LoadTests;
using Observability.Dashboard.Administration.Rules;
using Observability.Dashboard.Administration.Webhooks;
using Observability.Dashboard.Users;

namespace Observability.Dashboard.Administration;

/// <summary>The services behind the Settings and Load test pages.</summary>
public static class AdministrationPages
{
    public static IServiceCollection AddAdministrationPages(this IServiceCollection services)
    {
        // Disabling a user or changing their role in Settings reaches their open sessions too.
        services.AddUserSessionChecks();
        services.AddOptions<LoadTestOptions>().BindConfiguration(LoadTestOptions.Section);
        services.AddScoped<ActingUser>();
        services.AddSingleton<AlertRulesEditor>();
        services.AddSingleton<WebhookSettings>();
        services.AddSingleton<CostSettings>();
        // One runner for the process: one load test at a time, whoever starts it; stopped (and its child killed) with the host.
        services.AddSingleton<LoadTestRunner>();
        services.AddSingleton<ILoadTestRunner>(provider => provider.GetRequiredService<LoadTestRunner>());
        return services;
    }
}
