using System.Data.Common;

namespace Observability.Core.Storage;

/// <summary>
/// Runs SQL shared by both stores on a store's own connections. Values go as positional parameters ($1, $2, ...),
/// which Microsoft.Data.Sqlite and Npgsql both bind; the table sets (KPIs, alerting) are written once against it.
/// </summary>
internal abstract class SqlExecutor
{
    /// <summary>Runs a query and maps every row.</summary>
    public abstract Task<List<T>> ReadAsync<T>(string sql, IReadOnlyList<object?> parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken);

    /// <summary>Runs statements in one transaction; returns the rows they changed.</summary>
    public abstract Task<int> ExecuteAsync(IReadOnlyList<(string Sql, IReadOnlyList<object?> Parameters)> statements, CancellationToken cancellationToken);

    /// <summary>One statement in its own transaction.</summary>
    public Task<int> ExecuteAsync(string sql, IReadOnlyList<object?> parameters, CancellationToken cancellationToken) =>
        ExecuteAsync([(sql, parameters)], cancellationToken);

    /// <summary>Maps rows while the reader is still open.</summary>
    protected static async Task<List<T>> MapAsync<T>(DbDataReader reader, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }
        return rows;
    }
}
