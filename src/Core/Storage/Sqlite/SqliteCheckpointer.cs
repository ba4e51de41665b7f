using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Observability.Core.Storage.Sqlite;

/// <summary>
/// Copies the write-ahead log into the database file on a connection of its own, after each commit. Left to
/// SQLite's automatic checkpoint, every few commits the writer itself would copy and sync megabytes of pages
/// while holding the only write slot; here that work runs beside the next commit instead. A passive checkpoint
/// never blocks the writer.
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>
    /// The writer still checkpoints itself once the log holds this many pages (64 MiB at 4 KiB pages), in case this
    /// loop falls behind.
    /// </summary>
    public const int WriterFallbackPages = 16_384;

    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public SqliteCheckpointer(string connectionString, ILogger logger)
    {
        _connectionString = connectionString;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks for a checkpoint; requests made while one is pending or running are folded into the next.</summary>
    public void Request() => _requests.Writer.TryWrite(true);

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        try
        {
            await foreach (var _ in _requests.Reader.ReadAllAsync())
            {
                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(_connectionString);
                        await connection.OpenAsync();
                    }
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    await command.ExecuteNonQueryAsync();
                }
                catch (SqliteException e)
                {
                    // Nothing is lost: the log keeps the pages, and the next checkpoint (or the writer's own) copies them.
                    _logger.LogWarning(e, "A background WAL checkpoint failed");
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
