using Observability.Collector.Hosting;
using Observability.Collector.Sla;
using Observability.Core.Alerting;
using Observability.Core.Kpis;
using Observability.Core.Sla;
using Observability.Core.Roadmap;
using Observability.Core.Storage;

namespace Observability.Collector.Roadmap;

/// <summary>The roadmap engine: the roadmap file, KPI measurement, verdicts and their API.</summary>
public static class RoadmapHostingExtensions
{
    /// <summary>Loads and checks the roadmap file now, so a bad file stops the process naming file, line and problem.</summary>
    public static WebApplicationBuilder AddRoadmapEngine(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(RoadmapOptions.Section);
        builder.Services.AddOptions<RoadmapOptions>().Bind(section);
        var options = section.Get<RoadmapOptions>() ?? new RoadmapOptions();
        var path = Path.IsPathRooted(options.Path) ? options.Path : Path.Combine(builder.Environment.ContentRootPath, options.Path);
        RoadmapDefinition roadmap;
        try
        {
            roadmap = RoadmapLoader.Load(path);
        }
        catch (RoadmapException error)
        {
            throw new ConfigurationException($"Roadmap:Path: {error.Message}");
        }
        if (options.MeasurementWindow < TimeSpan.FromSeconds(30) || options.MeasurementWindow > TimeSpan.FromDays(1))
        {
            throw new ConfigurationException($"Roadmap:MeasurementWindow '{options.MeasurementWindow}' must be from 00:00:30 to 1.00:00:00");
        }

        var kpis = builder.Configuration.GetSection(KpiOptions.Section).Get<KpiOptions>() ?? new KpiOptions();
        if (kpis.ActiveSessionsAcrossInstances is not ("max" or "sum"))
        {
            throw new ConfigurationException($"Kpis:ActiveSessionsAcrossInstances '{kpis.ActiveSessionsAcrossInstances}' is not one of: max, sum");
        }
        var cost = builder.Configuration.GetSection(CostOptions.Section).Get<CostOptions>() ?? new CostOptions();
        if (cost.MonthlyUsd is null && roadmap.InfrastructureFor(cost.Phase) is null)
        {
            throw new ConfigurationException(
                $"Cost:Phase {cost.Phase} has no row in the roadmap's infrastructure table; accepted: {string.Join(", ", roadmap.Infrastructure.Select(r => r.Phase))}, or set Cost:MonthlyUsd");
        }
        if (cost.MonthlyUsd is < 0)
        {
            throw new ConfigurationException($"Cost:MonthlyUsd {cost.MonthlyUsd} must not be negative");
        }

        var services = builder.Services;
        services.AddSingleton(roadmap);
        services.AddSingleton(kpis);
        services.AddSingleton(new CostModel(cost, roadmap));
        services.AddSingleton<IIncidentStore>(provider => provider.GetRequiredService<ITelemetryStore>().Alerting);
        services.AddSingleton<IIncidentHistory>(provider => provider.GetRequiredService<IIncidentStore>());
        services.AddSingleton<IKpiStore>(provider => provider.GetRequiredService<ITelemetryStore>().Kpis);
        services.AddSingleton<IKpiBaselines>(provider => provider.GetRequiredService<IKpiStore>());
        services.AddSingleton<KpiCalculator>();
        services.AddSingleton<KpiJob>();

        var sla = builder.Configuration.GetSection(SlaOptions.Section).Get<SlaOptions>() ?? new SlaOptions();
        if (sla.UptimeObjectivePercent is <= 0 or >= 100)
        {
            throw new ConfigurationException($"Sla:UptimeObjectivePercent {sla.UptimeObjectivePercent} must be above 0 and below 100");
        }
        services.AddSingleton(sla);
        services.AddSingleton<ISlaStore>(provider => provider.GetRequiredService<ITelemetryStore>().Sla);
        services.AddSingleton<SlaCalculator>();
        services.AddSingleton<SlaJob>();
        return builder;
    }
}
