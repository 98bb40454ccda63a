using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// How the saver and the memory store run work against a busy file: one transaction (or one migration)
/// per attempt, retried from the start, after a growing pause, while SQLite reports the database busy or locked.
/// </summary>
internal static class SqliteRetries
{
    /// <summary>SQLITE_BUSY or SQLITE_LOCKED (extended codes included): another connection holds the lock.</summary>
    public static bool IsBusy(SqliteException exception) =>
        (exception.SqliteErrorCode & 0xFF) is 5 /* SQLITE_BUSY */ or 6 /* SQLITE_LOCKED */;

    /// <summary>The pause before attempt <paramref name="attempt"/> + 1: 20 ms doubling up to 640 ms, plus jitter.</summary>
    public static Task PauseAsync(int attempt, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 10 << Math.Min(attempt, 6)) + Random.Shared.Next(10)), timeProvider, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction (<c>BEGIN IMMEDIATE</c> for writes, a deferred
    /// read transaction otherwise) on a connection from <paramref name="rent"/>, retrying it from the
    /// start while the database is busy, up to <paramref name="maxAttempts"/> attempts. The work itself
    /// is synchronous: it runs the connection's cached statements (see <see cref="SqliteSession"/>).
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(
        SqliteConnectionPool pool,
        Func<CancellationToken, ValueTask<SqliteStatements>> rent,
        int maxAttempts,
        TimeProvider timeProvider,
        bool write,
        Func<SqliteSession, T> work,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = await rent(cancellationToken).ConfigureAwait(false);
            try
            {
                connection.Begin(write);
                var result = work(new SqliteSession(connection, cancellationToken));
                connection.Commit();
                if (write)
                {
                    pool.Committed();
                }

                return result;
            }
            catch (SqliteException ex) when (IsBusy(ex) && attempt < maxAttempts)
            {
                SqliteLog.BusyRetry(pool.Logger, ex, pool.Path, attempt, maxAttempts); // retried below, after a pause
            }
            finally
            {
                Release(pool, connection);
            }

            await PauseAsync(attempt, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Rolls back what a failed attempt left open, then returns the connection to the pool; a connection whose
    /// rollback fails is closed instead (the pool drops closed connections), so no transaction outlives its attempt.
    /// </summary>
    private static void Release(SqliteConnectionPool pool, SqliteStatements connection)
    {
        try
        {
            connection.RollbackIfOpen();
        }
        catch (SqliteException)
        {
            connection.Connection.Close();
        }

        pool.Return(connection);
    }

    /// <summary>
    /// Runs <paramref name="migrate"/> (schema creation or migration, which manages its own transaction) on a
    /// connection from <paramref name="rent"/>, retrying it while the database is busy, up to
    /// <paramref name="maxAttempts"/> attempts. Any other SQLite error ("file is not a database" and the like,
    /// which surface at the first statement) becomes <see cref="SqliteOpenErrors.CannotUse"/> naming the file and <paramref name="owner"/>.
    /// </summary>
    public static async Task MigrateAsync(
        SqliteConnectionPool pool,
        Func<CancellationToken, ValueTask<SqliteStatements>> rent,
        int maxAttempts,
        TimeProvider timeProvider,
        string owner,
        Func<SqliteConnection, CancellationToken, Task> migrate,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var connection = await rent(cancellationToken).ConfigureAwait(false);
            try
            {
                await migrate(connection.Connection, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SqliteException ex) when (IsBusy(ex) && attempt < maxAttempts)
            {
                SqliteLog.BusyRetry(pool.Logger, ex, pool.Path, attempt, maxAttempts); // retried below, after a pause
            }
            catch (SqliteException ex) when (!IsBusy(ex))
            {
                throw SqliteOpenErrors.CannotUse(pool.Path, ex, owner);
            }
            finally
            {
                pool.Return(connection);
            }

            await PauseAsync(attempt, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
