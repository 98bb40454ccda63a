using Microsoft.Data.Sqlite;

namespace Checkpoint.Sqlite;

/// <summary>
/// Moves WAL checkpoints (copying committed pages into the database file, with two fsyncs) off the
/// write path: every <see cref="CommitsPerCheckpoint"/> write transactions, a <c>PASSIVE</c> checkpoint
/// runs on another pooled connection while writers go on. Without it, the commit that takes the WAL past
/// SQLite's 1,000 frames does the whole checkpoint before it returns (a put every ~170 W1 steps took
/// milliseconds). Connections then checkpoint on their own only past <see cref="FallbackFrames"/>, when
/// the background cannot keep up (one huge transaction, a reader holding old pages).
/// </summary>
/// <remarks>
/// Under <c>synchronous = NORMAL</c> a commit is durable against power loss once a checkpoint has synced
/// the WAL; checkpoints every 128 commits sync at least as often as SQLite's default did for W1's puts.
/// A failed background checkpoint (busy, I/O) is logged and retried with the next request; nothing
/// committed depends on it.
/// </remarks>
internal sealed class SqliteWalCheckpointer(SqliteConnectionPool pool)
{
    /// <summary>Write transactions between background checkpoints.</summary>
    public const int CommitsPerCheckpoint = 128;

    /// <summary>The WAL size (frames, 1 KiB each in new files) at which a committing connection checkpoints itself.</summary>
    public const int FallbackFrames = 4000;

    /// <summary>How many times a checkpoint is tried while another connection is checkpointing the file.</summary>
    private const int BusyAttempts = 5;

    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(20);

    private readonly object _gate = new();
    private int _commits;
    private Task _running = Task.CompletedTask;
    private bool _stopped;

    /// <summary>Counts a committed write transaction, starting a background checkpoint every <see cref="CommitsPerCheckpoint"/>.</summary>
    public void Committed()
    {
        if (Interlocked.Increment(ref _commits) % CommitsPerCheckpoint == 0)
        {
            Request();
        }
    }

    /// <summary>Starts a background checkpoint unless one is running or the pool is closing.</summary>
    public void Request()
    {
        lock (_gate)
        {
            if (_stopped || !_running.IsCompleted)
            {
                return;
            }

            _running = Task.Run(CheckpointAsync);
        }
    }

    /// <summary>Waits for a running checkpoint and starts no more (the pool's final checkpoint follows).</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopped = true;
            return _running;
        }
    }

    private async Task CheckpointAsync()
    {
        SqliteStatements? connection = null;
        try
        {
            connection = await pool.RentAsync(CancellationToken.None).ConfigureAwait(false);
            using var command = connection.Connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";

            // Busy (the first column) when another connection was checkpointing the file: try again shortly rather than
            // leave the frames to the next request, 128 writes later.
            for (var attempt = 1; await BusyAsync(command).ConfigureAwait(false) && attempt < BusyAttempts && !Volatile.Read(ref _stopped); attempt++)
            {
                await Task.Delay(BusyPause).ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // The pool is closing: its final checkpoint follows.
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
        {
            SqliteLog.BackgroundCheckpointFailed(pool.Logger, ex, pool.Path);
        }
        finally
        {
            if (connection is not null)
            {
                pool.Return(connection);
            }
        }
    }

    private static async Task<bool> BusyAsync(SqliteCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        return await reader.ReadAsync().ConfigureAwait(false) && reader.GetInt64(0) != 0;
    }
}
