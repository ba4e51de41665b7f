using System.Data.Common;
using Npgsql;

namespace Observability.Core.Storage.Postgres;

/// <summary>Shared SQL on the store's data source.</summary>
internal sealed class PostgresSqlExecutor(NpgsqlDataSource dataSource) : SqlExecutor
{
    public override async Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object?> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = Bind(dataSource.CreateCommand(sql), parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await MapAsync(reader, map, cancellationToken);
    }

    public override async Task<int> ExecuteAsync(IReadOnlyList<(string Sql, IReadOnlyList<object?> Parameters)> statements, CancellationToken cancellationToken)
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
