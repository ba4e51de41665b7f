namespace Observability.Dashboard.Reports;

/// <summary>The services behind the Roadmap, SLOs and SLA report pages.</summary>
public static class ReportPages
{
    public static IServiceCollection AddReportPages(this IServiceCollection services)
    {
        services.AddSingleton<IRoadmapSource, RoadmapSource>();
        services.AddSingleton<ISloSource, SloSource>();
        services.AddSingleton<ISlaSource, SlaSource>();
        return services;
    }
}
