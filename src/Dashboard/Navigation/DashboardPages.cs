using Observability.Core.Security;

namespace Observability.Dashboard.Navigation;

/// <summary>A page of the dashboard: where it is, its menu title, and the policy a user needs to open it (null: anyone signed in).</summary>
public sealed record DashboardPage(string Path, string Title, string Icon, string? Policy);

/// <summary>
/// Every page of the dashboard, in menu order, with who may open it: executives read the overview, the roadmap, SLOs and
/// the SLA report; on-call staff also investigate (services, traces, metrics, alerts, incidents); SREs also operate
/// (settings' rules and cost model, load tests); admins everything. The menu shows a user only the pages they may open,
/// and each page carries the same policy, so a typed URL is refused alike.
/// </summary>
public static class DashboardPages
{
    public static readonly DashboardPage Overview = new("/", "Overview", MudBlazor.Icons.Material.Filled.Dashboard, null);
    public static readonly DashboardPage Roadmap = new("/roadmap", "Roadmap", MudBlazor.Icons.Material.Filled.Timeline, null);
    public static readonly DashboardPage Services = new("/services", "Services", MudBlazor.Icons.Material.Filled.Hub, KnownPolicies.Investigate);
    public static readonly DashboardPage Traces = new("/traces", "Traces", MudBlazor.Icons.Material.Filled.AccountTree, KnownPolicies.Investigate);

    // Not "/metrics": that path is the Collector's Prometheus endpoint.
    public static readonly DashboardPage Metrics = new("/metrics-browser", "Metrics", MudBlazor.Icons.Material.Filled.ShowChart, KnownPolicies.Investigate);
    public static readonly DashboardPage Alerts = new("/alerts", "Alerts", MudBlazor.Icons.Material.Filled.NotificationsActive, KnownPolicies.Investigate);
    public static readonly DashboardPage Incidents = new("/incidents", "Incidents", MudBlazor.Icons.Material.Filled.ReportProblem, KnownPolicies.Investigate);
    public static readonly DashboardPage Slos = new("/slos", "SLOs", MudBlazor.Icons.Material.Filled.Speed, null);
    public static readonly DashboardPage Sla = new("/sla", "SLA report", MudBlazor.Icons.Material.Filled.Assessment, null);
    public static readonly DashboardPage Settings = new("/settings", "Settings", MudBlazor.Icons.Material.Filled.Settings, KnownPolicies.Operate);
    public static readonly DashboardPage LoadTest = new("/loadtest", "Load test", MudBlazor.Icons.Material.Filled.Bolt, KnownPolicies.Operate);

    public static readonly IReadOnlyList<DashboardPage> All = [Overview, Roadmap, Services, Traces, Metrics, Alerts, Incidents, Slos, Sla, Settings, LoadTest];

    /// <summary>Whether a user of this role may open the page.</summary>
    public static bool Allows(this DashboardPage page, string role) =>
        page.Policy is null || KnownPolicies.Roles[page.Policy].Contains(role, StringComparer.Ordinal);
}
