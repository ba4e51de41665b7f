using System.Data.Common;
using Microsoft.Data.Sqlite;
using Observability.Core.Kpis;

namespace Observability.Core.Storage.Sqlite;

/// <summary>KPI series, baselines and load tests (<see cref="KpiTables"/>) on their own pooled connections.</summary>
public sealed partial class SqliteTelemetryStore
{
    /// <summary>The KPI tables of this database.</summary>
    public IKpiStore Kpis => field ??= new SqliteKpiTables(this);

    private sealed class SqliteKpiTables(SqliteTelemetryStore store) : KpiTables
    {
        protected override async Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object?> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        {
            await using var connection = await store.OpenReaderAsync(cancellationToken);
            await using var command = Bind(connection.CreateCommand(), sql, parameters);
            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(map(reader));
            }
            return rows;
        }

        protected override async Task<int> ExecuteAsync(IReadOnlyList<(string Sql, IReadOnlyList<object?> Parameters)> statements, CancellationToken cancellationToken)
        {
            // A connection of its own: SQLite's busy timeout queues it behind the ingest writer's commit, if any.
            await using var connection = await store.OpenReaderAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var changed = 0;
            foreach (var (sql, parameters) in statements)
            {
                await using var command = Bind(connection.CreateCommand(), sql, parameters);
                command.Transaction = transaction;
                changed += await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return changed;
        }

        private static SqliteCommand Bind(SqliteCommand command, string sql, IReadOnlyList<object?> parameters)
        {
            command.CommandText = sql;
            for (var i = 0; i < parameters.Count; i++)
            {
                command.Parameters.AddWithValue("$" + (i + 1), parameters[i] ?? DBNull.Value);
            }
            return command;
        }
    }
}
