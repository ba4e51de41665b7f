namespace Observability.Dashboard.Traces;

/// <summary>The services behind the Traces pages.</summary>
public static class TracePages
{
    public static IServiceCollection AddTracePages(this IServiceCollection services) =>
        services.AddSingleton<ITraceSource, TraceSource>();
}
