using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Sqlite;

/// <content>
/// Thread time to live: a thread row's <c>touched</c> column holds its last put (Unix milliseconds), written by puts
/// only when <see cref="SqliteCheckpointSaverOptions.ThreadTimeToLive"/> is set. Reads hide a thread whose put is
/// at or before the cutoff (<c>$live</c>); a thread never stamped (written without a time to live) stays visible
/// until a purge stamps it with its newest checkpoint's <see cref="CheckpointRecord.CreatedAt"/>.
/// </content>
public sealed partial class SqliteCheckpointSaver
{
    /// <summary>The condition on a thread row <c>t</c> that it has not expired (<c>$live</c> from <see cref="LiveAfter"/>).</summary>
    private const string LiveThread = "(t.touched IS NULL OR t.touched > $live)";

    /// <summary>Threads deleted per purge transaction, so that puts are not held off for long.</summary>
    private const int PurgeBatchSize = 100;

    /// <inheritdoc />
    public override TimeSpan? ThreadTimeToLive => _options.ThreadTimeToLive;

    /// <summary>The time to live in whole milliseconds (rounded up), or null.</summary>
    private long? TtlMilliseconds => _options.ThreadTimeToLive is { } ttl ? (long)Math.Ceiling(ttl.TotalMilliseconds) : null;

    /// <summary>The saver clock in Unix milliseconds.</summary>
    private long NowMilliseconds => _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Threads last put at or before this (Unix milliseconds) have expired; <see cref="long.MinValue"/> without a time to live.</summary>
    private long LiveAfter() => TtlMilliseconds is { } ttl ? NowMilliseconds - ttl : long.MinValue;

    /// <inheritdoc />
    protected override async Task<IReadOnlyCollection<string>> PurgeExpiredThreadsCoreAsync(CancellationToken cancellationToken)
    {
        var cutoff = LiveAfter();
        while (await RunAsync(write: true, session => StampUntouched(session, NowMilliseconds), cancellationToken).ConfigureAwait(false) == PurgeBatchSize)
        {
        }

        var purged = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var batch = await RunAsync(write: true, session =>
            {
                var expired = new List<(long Thread, string Name)>();
                using (var reader = session.Command(
                    "SELECT id, name FROM {names} WHERE owner = 0 AND touched <= $live LIMIT $limit;",
                    ("$live", cutoff), ("$limit", PurgeBatchSize)).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        expired.Add((reader.GetInt64(0), reader.GetString(1)));
                    }
                }

                foreach (var (thread, _) in expired)
                {
                    DeleteThreadRows(session, thread);
                }

                return expired;
            }, cancellationToken).ConfigureAwait(false);
            purged.UnionWith(batch.Select(thread => thread.Name));
            if (batch.Count < PurgeBatchSize)
            {
                return purged;
            }
        }
    }

    /// <summary>
    /// On a put with a time to live, before the put's own rows: deletes the thread when it has expired, so that the
    /// put starts a fresh thread and none of the old rows can resurface. Returns the put time to record with <see cref="Touch"/>.
    /// </summary>
    private long? ExpireIfDue(SqliteSession session, string threadId)
    {
        if (TtlMilliseconds is not { } ttl)
        {
            return null;
        }

        var now = NowMilliseconds;
        long? expired = null;
        using (var reader = session.Command("SELECT id, touched FROM {names} WHERE owner = 0 AND name = $thread;", ("$thread", threadId)).ExecuteReader())
        {
            if (reader.Read() && !reader.IsDBNull(1) && reader.GetInt64(1) <= now - ttl)
            {
                expired = reader.GetInt64(0);
            }
        }

        if (expired is { } thread)
        {
            DeleteThreadRows(session, thread);
        }

        return now;
    }

    /// <summary>Records <paramref name="now"/> as the thread's last put (after the put created its row); no-op without a time to live.</summary>
    private static void Touch(SqliteSession session, string threadId, long? now)
    {
        if (now is { } time)
        {
            _ = session.Execute("UPDATE {names} SET touched = $now WHERE owner = 0 AND name = $thread;", ("$now", time), ("$thread", threadId));
        }
    }

    /// <summary>
    /// Gives up to <see cref="PurgeBatchSize"/> never-stamped threads a put time: their newest checkpoint's creation
    /// time (<paramref name="now"/> for a thread with none, or whose newest record does not decode). Returns how many.
    /// </summary>
    private int StampUntouched(SqliteSession session, long now)
    {
        var threads = new List<(long Thread, string Name)>();
        using (var reader = session.Command(
            "SELECT id, name FROM {names} WHERE owner = 0 AND touched IS NULL LIMIT $limit;", ("$limit", PurgeBatchSize)).ExecuteReader())
        {
            while (reader.Read())
            {
                threads.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        foreach (var (thread, name) in threads)
        {
            var stamp = now;
            using (var reader = session.Command(
                "SELECT c.id, c.body, n.name FROM {checkpoints} c JOIN {names} n ON n.id = c.scope WHERE n.owner = $thread ORDER BY c.id DESC LIMIT 1;",
                ("$thread", thread)).ExecuteReader())
            {
                if (reader.Read())
                {
                    stamp = CreatedAt(session, SqliteKeys.FromBytes((byte[])reader.GetValue(0)), (byte[])reader.GetValue(1), name, reader.GetString(2)) ?? now;
                }
            }

            _ = session.Execute("UPDATE {names} SET touched = $now WHERE id = $thread;", ("$now", stamp), ("$thread", thread));
        }

        return threads.Count;
    }

    /// <summary>
    /// The creation time of a stored checkpoint in Unix milliseconds (its body read from its record group when it is
    /// a reference: a prune can leave a grouped checkpoint the newest), or null when its record does not decode.
    /// </summary>
    private long? CreatedAt(SqliteSession session, Guid id, byte[] stored, string threadId, string checkpointNamespace)
    {
        try
        {
            var body = new SqliteRecordGroups.Reader(session, _groupCache).Body(stored, id, threadId);
            return Decode(body, id, threadId, checkpointNamespace, null).CreatedAt.ToUnixTimeMilliseconds();
        }
        catch (CheckpointDataException)
        {
            // A record this saver cannot read must not stop the purge; the thread then lives a full time to live from now.
            return null;
        }
    }
}
