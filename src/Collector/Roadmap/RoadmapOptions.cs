namespace Observability.Collector.Roadmap;

/// <summary>Settings "Roadmap:*": which roadmap file is evaluated, and how often and over what its KPIs are measured.</summary>
public sealed class RoadmapOptions
{
    public const string Section = "Roadmap";

    /// <summary>The roadmap YAML file; a relative path is under the Collector's folder (default: the customer's roadmap it ships).</summary>
    public string Path { get; set; } = "roadmap.yaml";

    /// <summary>How far back each tick measures a KPI ("now" on the roadmap page is the latest tick).</summary>
    public TimeSpan MeasurementWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time between KPI ticks: a 6-field (seconds first) cron expression for Hangfire.</summary>
    public string KpiSchedule { get; set; } = "*/15 * * * * *";
}
