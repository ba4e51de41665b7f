using Microsoft.Data.Sqlite;

namespace Observability.Core.Storage.Sqlite;

public sealed partial class SqliteTelemetryStore
{
    // Small chunks, each its own transaction: ingest waits for the single writer at most one chunk at a time.
    private const int RetentionChunkRows = 5_000;

    public async Task<IReadOnlyList<RetentionResult>> ApplyRetentionAsync(RetentionPolicy policy, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new InvalidOperationException("The store is not initialized.");
        var results = new List<RetentionResult>();
        foreach (var cutoff in policy.Cutoffs)
        {
            long deleted = 0;
            while (true)
            {
                int chunk;
                await _writeLock.WaitAsync(cancellationToken);
                try
                {
                    await using var command = writer.CreateCommand();
                    // Table and column names come from the policy's constants, never from input.
                    command.CommandText = $"""
                        DELETE FROM {cutoff.Table} WHERE rowid IN
                            (SELECT rowid FROM {cutoff.Table} WHERE {cutoff.TimeColumn} < $1 LIMIT {RetentionChunkRows});
                        """;
                    command.Parameters.AddWithValue("$1", cutoff.CutoffUnixNanos);
                    chunk = await command.ExecuteNonQueryAsync(cancellationToken);
                    // Rollup rows held in memory must not bring deleted ones back.
                    _rollups.DiscardBefore(cutoff.Table, cutoff.CutoffUnixNanos);
                }
                finally
                {
                    _writeLock.Release();
                }
                deleted += chunk;
                if (chunk < RetentionChunkRows)
                {
                    break;
                }
            }
            results.Add(new RetentionResult(cutoff.Table, deleted, []));
        }
        return results;
    }
}
