using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>Lifecycle: history rows, scans (expired items included) and version-checked removals.</summary>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryChange>> GetHistoryCoreAsync(MemoryKey key, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<MemoryChange>>(write: false, session =>
        {
            var changes = new List<MemoryChange>();
            using var reader = session.Command(_sql.HistoryOfKey, ("$ns", key.Namespace.StorageKey), ("$key", key.Key)).ExecuteReader();
            while (reader.Read())
            {
                changes.Add(MemoryChangeCodec.Decode(
                    (byte[])reader.GetValue(3), key, reader.GetInt64(0), (MemoryChangeKind)reader.GetInt32(1),
                    new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero), Options.Serializer));
            }

            return changes;
        }, cancellationToken);

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StoredMemory> ScanCoreAsync(
        MemoryScan scan, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var matches = await RunAsync(write: false, session =>
        {
            var (low, high) = Range(scan.NamespacePrefix);
            var found = new List<StoredMemory>();
            using var reader = session.Command(
                _sql.Scan, ("$low", low), ("$high", high),
                ("$subjects", scan.SubjectId is { } subjectId ? SubjectTags(subjectId) : DBNull.Value),
                ("$sealed", Encrypts), // rows sealed before subject tags existed have no subject column
                ("$expired", scan.ExpiredBy is { } by ? by.UtcTicks : DBNull.Value)).ExecuteReader();
            while (reader.Read())
            {
                var item = ReadItem(reader, withPendingAccess: true);
                if (scan.Matches(item))
                {
                    var vector = scan.WithVectors && !reader.IsDBNull(6) ? VectorOf((byte[])reader.GetValue(6), item) : null;
                    found.Add(new StoredMemory(item, vector));
                }
            }

            return found;
        }, cancellationToken).ConfigureAwait(false);

        foreach (var stored in matches)
        {
            yield return stored;
        }
    }

    /// <inheritdoc />
    protected override async Task<MemoryErasure> EraseSubjectCoreAsync(string subjectId, CancellationToken cancellationToken)
    {
        var subjects = SubjectTags(subjectId);
        var (removed, historyRows, before, after) = await RunAsync(write: true, session =>
        {
            var secureDelete = session.Scalar("PRAGMA secure_delete;");
            _ = session.Execute("PRAGMA secure_delete = ON;"); // deleted cells are overwritten with zeros
            var seq = NextSeq(session);
            var rows = new List<(long Id, MemoryItem Item)>();
            using (var reader = session.Command(
                _sql.Scan, ("$low", ""), ("$high", char.ConvertFromUtf32(0x10FFFF)), ("$subjects", subjects), ("$sealed", Encrypts),
                ("$expired", DBNull.Value)).ExecuteReader())
            {
                while (reader.Read())
                {
                    var item = ReadItem(reader, withPendingAccess: false);
                    if (item.SubjectId == subjectId)
                    {
                        rows.Add((reader.GetInt64(0), item));
                    }
                }
            }

            foreach (var (id, item) in rows)
            {
                DeleteRow(session, seq, id, new MemoryKey(item.Namespace, item.Key)); // no history row: the erasure leaves none
            }

            var historyRows = session.Execute(_sql.DeleteHistoryOfSubject, ("$subjects", subjects));
            if (rows.Count + historyRows > 0)
            {
                // Watchers learn that items vanished, not whose: the marker has no namespace, key, subject or text.
                _ = session.Execute(_sql.AddErasureMarker, ("$at", Options.TimeProvider.GetUtcNow().UtcTicks));
            }

            _ = session.Execute($"PRAGMA secure_delete = {Convert.ToInt64(secureDelete, System.Globalization.CultureInfo.InvariantCulture)};");
            return (rows, historyRows, seq - 1, seq);
        }, cancellationToken).ConfigureAwait(false);

        _index.Apply(before, after, [.. removed.Select(row => (row.Id, (IndexedMemory?)null))]);
        if (removed.Count + historyRows > 0)
        {
            NotifyChangesCommitted();
        }

        var scrubbed = _sqlite.ScrubAfterErase && await SqliteScrub.RunAsync(_pool, RentAsync, _sqlite.MaxAttempts, cancellationToken).ConfigureAwait(false);
        return new MemoryErasure(subjectId, removed.Count, historyRows, scrubbed);
    }

    /// <inheritdoc />
    protected override Task<int> CountCoreAsync(MemoryNamespace prefix, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(write: false, session =>
            Convert.ToInt32(
                session.Scalar(_sql.CountLive, ("$low", prefix.StorageKey), ("$high", prefix.StorageKeyUpperBound), ("$now", now.UtcTicks)),
                System.Globalization.CultureInfo.InvariantCulture),
            cancellationToken);

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryItem>> RemoveCoreAsync(
        IReadOnlyList<MemoryRemoval> removals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (removed, before, after) = await RunAsync(write: true, session =>
        {
            var seq = NextSeq(session);
            var removed = new List<(long Id, MemoryItem Item)>();
            foreach (var removal in removals)
            {
                if (ReadByKey(session, removal.Key) is { } row && row.Item.Version == removal.Version)
                {
                    RemoveRow(session, seq, row.Id, MemoryChange.Removal(row.Item, removal.Kind, now, removal.Reason));
                    removed.Add(row);
                }
            }

            return (removed, seq - 1, seq);
        }, cancellationToken).ConfigureAwait(false);

        _index.Apply(before, after, [.. removed.Select(row => (row.Id, (IndexedMemory?)null))]);
        if (removed.Count > 0)
        {
            NotifyChangesCommitted();
        }

        return [.. removed.Select(row => row.Item)];
    }

    // In a write transaction: the row goes (DeleteRow) and the history keeps the change.
    private void RemoveRow(SqliteSession session, long seq, long id, MemoryChange change)
    {
        DeleteRow(session, seq, id, new MemoryKey(change.Namespace, change.Key));
        AddHistory(session, change);
    }

    // In a write transaction: the row goes and other instances learn it from the removals table.
    private void DeleteRow(SqliteSession session, long seq, long id, MemoryKey key)
    {
        _ = session.Execute(_sql.DeleteById, ("$id", id));
        _ = session.Execute(_sql.AddRemoval, ("$seq", seq), ("$id", id));
        _pendingAccess.Forget(key);
    }

    private void AddHistory(SqliteSession session, MemoryChange change) =>
        _ = session.Execute(_sql.AddHistory,
            ("$ns", change.Namespace.StorageKey), ("$key", change.Key), ("$version", change.Version), ("$kind", (long)change.Kind),
            ("$at", change.At.UtcTicks), ("$subject", (object?)MemorySubjectTag.Of(Options.Serializer, change.SubjectId) ?? DBNull.Value),
            ("$body", MemoryChangeCodec.Encode(change, Options.Serializer)));

    // The subject's column values under every configured key, as a JSON array for json_each: rows written before a key
    // rotation keep the old key's tag until re-encrypted, and an erasure must find them too.
    private string SubjectTags(string subjectId) =>
        System.Text.Json.JsonSerializer.Serialize(MemorySubjectTag.AllOf(Options.Serializer, subjectId));
}
