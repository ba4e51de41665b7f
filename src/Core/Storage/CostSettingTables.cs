using System.Data.Common;
using System.Globalization;
using Observability.Core.Kpis;
using Observability.Core.Telemetry;

namespace Observability.Core.Storage;

/// <summary>The cost settings made on the dashboard: schema and SQL shared by both stores.</summary>
internal sealed class CostSettingTables(SqlExecutor sql) : ICostSettingStore
{
    /// <summary>Schema migration 8 in both stores. The figure is text (invariant culture), kept exactly as decimal; NULL goes back to the configuration.</summary>
    public static string Schema(string integer, string text) => $"""
        CREATE TABLE cost_settings (
            set_at_unix_nano {integer} NOT NULL,
            monthly_usd {text},
            set_by {text} NOT NULL
        );
        CREATE INDEX cost_settings_by_time ON cost_settings (set_at_unix_nano);
        """;

    public async Task AddAsync(CostSetting setting, CancellationToken cancellationToken) =>
        await sql.ExecuteAsync("INSERT INTO cost_settings (set_at_unix_nano, monthly_usd, set_by) VALUES ($1, $2, $3);",
            [UnixTime.Nanos(setting.SetAt), setting.MonthlyUsd?.ToString(CultureInfo.InvariantCulture), setting.SetBy], cancellationToken);

    public async Task<IReadOnlyList<CostSetting>> GetRecentAsync(int limit, CancellationToken cancellationToken) =>
        await sql.ReadAsync("SELECT set_at_unix_nano, monthly_usd, set_by FROM cost_settings ORDER BY set_at_unix_nano DESC LIMIT $1;", [limit], Read, cancellationToken);

    private static CostSetting Read(DbDataReader reader) => new(
        reader.IsDBNull(1) ? null : decimal.Parse(reader.GetString(1), NumberStyles.Number, CultureInfo.InvariantCulture),
        reader.GetString(2),
        UnixTime.ToDateTimeOffset(reader.GetInt64(0)));
}
