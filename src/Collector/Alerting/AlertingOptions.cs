namespace Observability.Collector.Alerting;

/// <summary>Settings "Alerting:*" (rules and evaluation; the webhook receivers have their own, see docs/webhooks.md).</summary>
public sealed class AlertingOptions
{
    public const string Section = "Alerting";

    /// <summary>An alerts.yaml with rules and SLOs (docs/alerting-rules.md); relative to the Collector's folder. None: the defaults only.</summary>
    public string? RulesPath { get; set; }

    /// <summary>The roadmap phase whose targets the default rules watch (the phase the system is in).</summary>
    public int Phase { get; set; } = 1;

    /// <summary>Time between evaluations: a 6-field (seconds first) cron expression for Hangfire.</summary>
    public string EvaluationSchedule { get; set; } = "*/2 * * * * *";
}
