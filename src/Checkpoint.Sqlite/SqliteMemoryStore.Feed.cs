using System.Globalization;
using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>
/// The change feed: the history table read by its change id (<c>seq</c>, AUTOINCREMENT, so never reused);
/// watchers wake at once for this instance's commits and check for other connections' and processes' every
/// <see cref="MemoryStoreOptions.ChangePollInterval"/> on one shared connection (<see cref="SqliteChangeProbe"/>).
/// </summary>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    protected override Task<long> GetLatestChangeIdCoreAsync(CancellationToken cancellationToken) =>
        RunAsync(write: false, session => LatestChangeId(session), cancellationToken);

    /// <inheritdoc />
    protected override Task<MemoryChangePage> ReadChangesCoreAsync(
        MemoryNamespace namespacePrefix, long after, int limit, CancellationToken cancellationToken) =>
        RunAsync(write: false, session =>
        {
            var events = new List<MemoryEvent>();
            using (var reader = session.Command(
                _sql.ChangesAfter, ("$after", after), ("$low", namespacePrefix.StorageKey), ("$high", namespacePrefix.StorageKeyUpperBound),
                ("$limit", limit)).ExecuteReader())
            {
                while (reader.Read())
                {
                    var at = new DateTimeOffset(reader.GetInt64(5), TimeSpan.Zero);
                    events.Add(reader.GetInt32(4) == SqliteMemorySql.ErasureKind
                        ? MemoryEvent.Erased(reader.GetInt64(0), at)
                        : MemoryEvent.Changed(
                            reader.GetInt64(0), new MemoryKey(ParseNamespace(reader.GetString(1)), reader.GetString(2)), reader.GetInt64(3),
                            (MemoryChangeKind)reader.GetInt32(4), at));
                }
            }

            // A full page ends at its last event; otherwise everything up to the latest id was read, in this
            // same read transaction (one snapshot), so no commit can fall between the rows and the id.
            return new MemoryChangePage(events, events.Count == limit ? events[^1].ChangeId : LatestChangeId(session));
        }, cancellationToken);

    /// <inheritdoc />
    protected override async Task WaitForChangesCoreAsync(long after, CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        await PollForChangesAsync(after, _changeProbe.LatestAsync, cancellationToken).ConfigureAwait(false);
    }

    private long LatestChangeId(SqliteSession session) =>
        Convert.ToInt64(session.Scalar(_sql.LatestChangeId), CultureInfo.InvariantCulture);
}
