using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Observability.Core.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the writer's connection and bound by position. Microsoft.Data.Sqlite looks every
/// named parameter up again on every execution (sqlite3_bind_parameter_index); the writer executes a few statements
/// hundreds of thousands of times a minute, so it binds $1, $2, ... by their ordinal instead.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private byte[] _utf8 = new byte[4096];

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void Bind(int position, long value) => Check(raw.sqlite3_bind_int64(_statement, position, value));

    public void Bind(int position, double? value) =>
        Check(value is { } present ? raw.sqlite3_bind_double(_statement, position, present) : raw.sqlite3_bind_null(_statement, position));

    public void Bind(int position, long? value) =>
        Check(value is { } present ? raw.sqlite3_bind_int64(_statement, position, present) : raw.sqlite3_bind_null(_statement, position));

    public void Bind(int position, string? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, position));
            return;
        }
        if (value.Length == 0)
        {
            // A zero-length span would reach SQLite as a null pointer, which it stores as NULL, not ''.
            Check(raw.sqlite3_bind_text(_statement, position, ""));
            return;
        }
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (length > _utf8.Length)
        {
            _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
        }
        var written = Encoding.UTF8.GetBytes(value, _utf8);
        // SQLitePCL binds spans with SQLITE_TRANSIENT: SQLite copies the bytes, so the buffer is reused at once.
        Check(raw.sqlite3_bind_text(_statement, position, _utf8.AsSpan(0, written)));
    }

    public void Bind(int position, byte[]? value)
    {
        if (value is null)
        {
            Check(raw.sqlite3_bind_null(_statement, position));
        }
        else if (value.Length == 0)
        {
            // As for text: an empty blob, not NULL.
            Check(raw.sqlite3_bind_zeroblob(_statement, position, 0));
        }
        else
        {
            Check(raw.sqlite3_bind_blob(_statement, position, value));
        }
    }

    /// <summary>Runs a statement that returns no rows, and makes it ready to be bound again.</summary>
    public void Execute()
    {
        var result = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE && result != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
    }

    /// <summary>Steps to the first row; false when there is none. Call <see cref="Reset"/> when done with it.</summary>
    public bool ReadFirst()
    {
        var result = raw.sqlite3_step(_statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }
        raw.sqlite3_reset(_statement);
        if (result != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
        return false;
    }

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public byte[] Blob(int column) => raw.sqlite3_column_blob(_statement, column).ToArray();

    public void Reset() => raw.sqlite3_reset(_statement);

    public void Dispose() => _statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
    }
}
