using Npgsql;

namespace Checkpoint.Postgres;

/// <content>Erasure: after a subject's threads are deleted, the tables are rewritten without their dead tuples.</content>
public sealed partial class PostgresCheckpointSaver
{
    /// <inheritdoc />
    protected override async Task<bool> ScrubAsync(CancellationToken cancellationToken)
    {
        if (!_scrubAfterErase)
        {
            return false;
        }

        _ = await ExecuteAsync(
            async (connection, token) =>
            {
                await using var vacuum = new NpgsqlCommand(_sql.VacuumFull, connection) { CommandTimeout = 0 };
                return await vacuum.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            migrate: true, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
