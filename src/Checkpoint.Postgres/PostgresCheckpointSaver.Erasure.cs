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

        return await ExecuteAsync(
            (connection, token) => PostgresScrub.VacuumWhenUnseenAsync(connection, _sql.VacuumFull, _scrubWait, token),
            migrate: true, cancellationToken).ConfigureAwait(false);
    }
}
