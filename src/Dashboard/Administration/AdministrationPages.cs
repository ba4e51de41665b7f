namespace Observability.Dashboard.Administration;

/// <summary>The services behind the Settings and Load test pages.</summary>
public static class AdministrationPages
{
    public static IServiceCollection AddAdministrationPages(this IServiceCollection services) => services;
}
