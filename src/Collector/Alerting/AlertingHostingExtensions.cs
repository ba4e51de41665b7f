using Microsoft.Extensions.Options;
using Observability.Collector.Hosting;
using Observability.Collector.Roadmap;
using Observability.Core.Alerting;
using Observability.Core.Alerting.Rules;
using Observability.Core.Alerting.Slo;
using Observability.Core.Roadmap;
using Observability.Core.Alerting.Incidents;
using Observability.Core.Storage;

namespace Observability.Collector.Alerting;

public static class AlertingHostingExtensions
{
    /// <summary>
    /// Alert rules (the roadmap's defaults and Alerting:RulesPath, checked now so a bad file stops the process naming file,
    /// line and problem), their evaluation, incidents, and alerting's tables in the telemetry database.
    /// </summary>
    public static WebApplicationBuilder AddAlerting(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AlertingOptions.Section);
        builder.Services.AddOptions<AlertingOptions>().Bind(section);
        var options = section.Get<AlertingOptions>() ?? new AlertingOptions();
        var services = builder.Services;
        services.AddSingleton(provider => LoadRules(options, builder.Environment.ContentRootPath,
            provider.GetRequiredService<RoadmapDefinition>(), provider.GetRequiredService<IOptions<RoadmapOptions>>().Value));
        // Resolved now rather than at first use, so a bad rules file or phase stops the start-up.
        _ = LoadRules(options, builder.Environment.ContentRootPath, RoadmapOf(builder), builder.Configuration.GetSection(RoadmapOptions.Section).Get<RoadmapOptions>() ?? new RoadmapOptions());
        services.AddSingleton<SloCalculator>();
        services.AddSingleton<AlertConditionEvaluator>();
        services.AddSingleton<AlertEvaluationService>();
        services.AddSingleton<AlertingJob>();
        services.AddSingleton<IAlertingStore>(provider => provider.GetRequiredService<ITelemetryStore>().Alerting);
        services.AddSingleton<IFaultGroundTruth, SpanFaultGroundTruth>();
        services.AddSingleton<IncidentService>();
        services.AddSingleton<AlertResponses>();
        return builder;
    }

    private static RoadmapDefinition RoadmapOf(WebApplicationBuilder builder) =>
        (RoadmapDefinition)builder.Services.Last(d => d.ServiceType == typeof(RoadmapDefinition)).ImplementationInstance!;

    private static AlertRuleSet LoadRules(AlertingOptions options, string contentRoot, RoadmapDefinition roadmap, RoadmapOptions roadmapOptions)
    {
        if (roadmap.Phase(options.Phase) is null)
        {
            throw new ConfigurationException($"Alerting:Phase {options.Phase} is not a phase of the roadmap; accepted: 1 to {roadmap.Phases[^1].Number}");
        }
        var path = string.IsNullOrEmpty(options.RulesPath) ? null
            : Path.IsPathRooted(options.RulesPath) ? options.RulesPath : Path.Combine(contentRoot, options.RulesPath);
        AlertRulesFile file;
        try
        {
            file = path is null ? AlertRulesFile.Empty("(none)") : AlertRulesLoader.Load(path);
        }
        catch (AlertRulesException error)
        {
            throw new ConfigurationException($"Alerting:RulesPath: {error.Message}");
        }
        var rules = DefaultAlertRules.Merge(DefaultAlertRules.For(roadmap, options.Phase, roadmapOptions.MeasurementWindow), file);
        return new AlertRuleSet(rules, file.Slos, path);
    }
}
