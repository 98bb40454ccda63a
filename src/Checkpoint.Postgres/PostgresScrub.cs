using Npgsql;

namespace Checkpoint.Postgres;

/// <summary>
/// Rewrites tables after an erasure, once no snapshot on the server can still see the deleted rows: <c>VACUUM FULL</c>
/// copies every tuple some open transaction may see, so run while an older snapshot is open it would carry the erased
/// bytes into the new files.
/// </summary>
internal static class PostgresScrub
{
    // xmax of a snapshot taken now: every transaction below it (the erasure's delete among them) has started, so a
    // snapshot whose xmin reaches it sees the delete. age() compares 32-bit xids across wraparound.
    private const string Horizon = "SELECT (pg_snapshot_xmax(pg_current_snapshot())::text::bigint % 4294967296)::text";

    private const string OlderSnapshots = """
        SELECT (SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_xmin IS NOT NULL AND age(backend_xmin) > age(@horizon::xid))
             + (SELECT count(*) FROM pg_prepared_xacts
                WHERE database = current_database() AND age(transaction) > age(@horizon::xid))
        """;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits up to <paramref name="wait"/> until no other session of this database (and no prepared transaction) holds a
    /// snapshot older than now, then runs <paramref name="vacuumSql"/>; false, without vacuuming, when one still does.
    /// </summary>
    public static async Task<bool> VacuumWhenUnseenAsync(NpgsqlConnection connection, string vacuumSql, TimeSpan wait, CancellationToken cancellationToken)
    {
        string horizon;
        await using (var command = new NpgsqlCommand(Horizon, connection))
        {
            horizon = (string)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        var deadline = DateTime.UtcNow + wait;
        while (await CountOlderAsync(connection, horizon, cancellationToken).ConfigureAwait(false) > 0)
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }

        await using var vacuum = new NpgsqlCommand(vacuumSql, connection) { CommandTimeout = 0 };
        _ = await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<long> CountOlderAsync(NpgsqlConnection connection, string horizon, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(OlderSnapshots, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("horizon", horizon));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
