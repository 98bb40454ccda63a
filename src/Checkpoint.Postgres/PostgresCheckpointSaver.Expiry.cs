using Checkpoint.Serialization;
using Npgsql;
using static Checkpoint.Postgres.PostgresRows;

namespace Checkpoint.Postgres;

/// <content>
/// Thread time to live: the <c>threads</c> table holds each thread's last put, written by puts only when
/// <see cref="PostgresCheckpointSaverOptions.ThreadTimeToLive"/> is set. Reads hide a thread put at or before the cutoff; a
/// thread with no row (written without a time to live) stays visible until a purge stamps it with its newest
/// checkpoint's creation time.
/// </content>
public sealed partial class PostgresCheckpointSaver
{
    /// <summary>Threads deleted per purge statement, so that a purge never holds many row locks at once.</summary>
    private const int PurgeBatchSize = 500;

    /// <inheritdoc />
    public override TimeSpan? ThreadTimeToLive => _threadTimeToLive;

    /// <inheritdoc />
    protected override async Task<IReadOnlyCollection<string>> PurgeExpiredThreadsCoreAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await StampUntouchedAsync(cancellationToken).ConfigureAwait(false);
        var cutoff = Cutoff();
        var purged = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var batch = await ExecuteAsync(
                async (connection, token) =>
                {
                    await using var command = new NpgsqlCommand(_sql.PurgeExpired, connection);
                    command.Parameters.Add(cutoff.Clone());
                    command.Parameters.Add(Int("limit", PurgeBatchSize));
                    return await PostgresRows.ReadStringsAsync(command, token).ConfigureAwait(false);
                },
                migrate: true, cancellationToken).ConfigureAwait(false);
            purged.UnionWith(batch);
            if (batch.Count < PurgeBatchSize)
            {
                return purged;
            }
        }
    }

    /// <summary>The <c>@cutoff</c> parameter: threads put at or before it have expired.</summary>
    private NpgsqlParameter Cutoff() =>
        Timestamp("cutoff", _timeProvider.GetUtcNow() - (_threadTimeToLive ?? TimeSpan.Zero));

    /// <summary>Adds <c>@cutoff</c> to a read built with <see cref="PostgresSql.Live"/> (nothing without a time to live).</summary>
    private NpgsqlBatchCommand Live(NpgsqlBatchCommand command)
    {
        if (_sql.Expires)
        {
            command.Parameters.Add(Cutoff());
        }

        return command;
    }

    /// <summary>With a time to live, adds the put's <c>touch_thread</c> call to the batch and returns true.</summary>
    private bool AddTouch(NpgsqlBatch batch, string threadId)
    {
        if (!_sql.Expires)
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        batch.BatchCommands.Add(Command(
            _sql.TouchThread, Text("thread", threadId), Timestamp("now", now), Timestamp("cutoff", now - _threadTimeToLive!.Value)));
        return true;
    }

    /// <summary>
    /// Gives every thread with no put time its newest checkpoint's creation time (now when its record does not
    /// decode), so that threads written before the time to live was set expire too. Reads each such thread's newest
    /// checkpoint once: the first purge after turning the time to live on reads one record per thread.
    /// </summary>
    private async Task StampUntouchedAsync(CancellationToken cancellationToken)
    {
        await ExecuteAsync(
            async (connection, token) =>
            {
                var threads = new List<string>();
                var times = new List<DateTime>();
                await using (var command = new NpgsqlCommand(_sql.StampUntouched, connection))
                await using (var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(token).ConfigureAwait(false))
                    {
                        threads.Add(reader.GetString(1));
                        times.Add(CreatedAt(reader).UtcDateTime);
                    }
                }

                if (threads.Count == 0)
                {
                    return 0;
                }

                await using var insert = new NpgsqlCommand(_sql.InsertStamps, connection);
                insert.Parameters.Add(TextArray("threads", [.. threads]));
                insert.Parameters.Add(TimestampArray("times", [.. times]));
                return await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
    }

    private DateTimeOffset CreatedAt(NpgsqlDataReader reader)
    {
        try
        {
            return ReadRecord(reader, Serializer).CreatedAt;
        }
        catch (CheckpointDataException)
        {
            // A record this saver cannot read must not stop the purge; the thread then lives a full time to live from now.
            return _timeProvider.GetUtcNow();
        }
    }
}
