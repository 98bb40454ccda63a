using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// Removes the bytes of deleted rows from a database's files after an erasure: <c>VACUUM</c> rebuilds the
/// file without free pages or leftover cell content (including old versions of rows updated before),
/// then a truncating WAL checkpoint empties the write-ahead log, which still holds the pages as they were.
/// Costs a rewrite of the whole file; the erasure's own deletes run with <c>secure_delete</c> on as well.
/// </summary>
internal static class SqliteScrub
{
    /// <summary>
    /// Runs the scrub on a connection of its own (outside any transaction), retrying while other
    /// connections are busy; false when the WAL could not be emptied (a reader kept it in use).
    /// </summary>
    public static async Task<bool> RunAsync(
        SqliteConnectionPool pool, Func<CancellationToken, ValueTask<SqliteStatements>> rent, int maxAttempts, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var statements = await rent(cancellationToken).ConfigureAwait(false);
            try
            {
                using (var vacuum = statements.Connection.CreateCommand())
                {
                    vacuum.CommandText = "VACUUM;";
                    _ = vacuum.ExecuteNonQuery();
                }

                using var checkpoint = statements.Connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                using var reader = checkpoint.ExecuteReader();
                if (reader.Read() && reader.GetInt64(0) == 0)
                {
                    return true;
                }
            }
            catch (SqliteException ex) when (SqliteRetries.IsBusy(ex) && attempt < maxAttempts)
            {
                // Retried below, after a pause.
            }
            finally
            {
                pool.Return(statements);
            }

            if (attempt >= maxAttempts)
            {
                return false;
            }

            await SqliteRetries.PauseAsync(attempt, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }
}
