namespace Observability.Dashboard.OnCall;

/// <summary>The services behind the Alerts and Incidents pages.</summary>
public static class OnCallPages
{
    public static IServiceCollection AddOnCallPages(this IServiceCollection services) =>
        services.AddSingleton<OnCallResponder>().AddSingleton<IOnCallSource, OnCallSource>();
}
