using Observability.Core.Kpis;

namespace Observability.Core.Storage.Postgres;

public sealed partial class PostgresTelemetryStore
{
    private SqlExecutor Sql => field ??= new PostgresSqlExecutor(_dataSource);

    /// <summary>The KPI tables of this database.</summary>
    public IKpiStore Kpis => field ??= new KpiTables(Sql);

    /// <summary>Alert states, silences, the webhook outbox and incidents in this database.</summary>
    public Alerting.IAlertingStore Alerting => field ??= new AlertingTables(Sql);

    /// <summary>Daily probe tallies and monthly SLA reports in this database.</summary>
    public Sla.ISlaStore Sla => field ??= new SlaTables(Sql);

    /// <summary>The dashboard's users in this database.</summary>
    public Users.IUserStore Users => field ??= new UserTables(Sql);

    /// <summary>Webhook receivers added from the dashboard, in this database.</summary>
    public Alerting.Notifications.IWebhookReceiverStore WebhookReceivers => field ??= new WebhookReceiverTables(Sql);

    /// <summary>The cost settings made on the dashboard, in this database.</summary>
    public ICostSettingStore CostSettings => field ??= new CostSettingTables(Sql);
}
