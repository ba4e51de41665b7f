using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Observability.Core.Storage.Sqlite;

/// <summary>Shared SQL on the store's pooled reader connections; SQLite's busy timeout queues writes behind the ingest writer's commit.</summary>
internal sealed class SqliteSqlExecutor(SqliteTelemetryStore store) : SqlExecutor
{
    public override async Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object?> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenReaderAsync(cancellationToken);
        await using var command = Bind(connection.CreateCommand(), sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await MapAsync(reader, map, cancellationToken);
    }

    public override async Task<int> ExecuteAsync(IReadOnlyList<(string Sql, IReadOnlyList<object?> Parameters)> statements, CancellationToken cancellationToken)
    {
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
