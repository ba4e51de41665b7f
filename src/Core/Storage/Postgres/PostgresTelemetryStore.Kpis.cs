using System.Data.Common;
using Npgsql;
using Observability.Core.Kpis;

namespace Observability.Core.Storage.Postgres;

/// <summary>KPI series, baselines and load tests (<see cref="KpiTables"/>) on the store's data source.</summary>
public sealed partial class PostgresTelemetryStore
{
    /// <summary>The KPI tables of this database.</summary>
    public IKpiStore Kpis => field ??= new PostgresKpiTables(_dataSource);

    private sealed class PostgresKpiTables(NpgsqlDataSource dataSource) : KpiTables
    {
        protected override async Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object?> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        {
            await using var command = Bind(dataSource.CreateCommand(sql), parameters);
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
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var changed = 0;
            foreach (var (sql, parameters) in statements)
            {
                await using var command = Bind(new NpgsqlCommand(sql, connection, transaction), parameters);
                changed += await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return changed;
        }

        private static NpgsqlCommand Bind(NpgsqlCommand command, IReadOnlyList<object?> parameters)
        {
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            }
            return command;
        }
    }
}
