namespace Checkpoint.Sqlite;

/// <content>Erasure: after a subject's threads are deleted, the file is rebuilt without their bytes.</content>
public sealed partial class SqliteCheckpointSaver
{
    /// <inheritdoc />
    protected override async Task<bool> ScrubAsync(CancellationToken cancellationToken)
    {
        if (!_options.ScrubAfterErase)
        {
            return false;
        }

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await SqliteScrub.RunAsync(_pool, RentAsync, _options.MaxAttempts, cancellationToken).ConfigureAwait(false);
    }
}
