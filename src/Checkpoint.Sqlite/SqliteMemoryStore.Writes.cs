using System.Runtime.InteropServices;
using Checkpoint.Memory;

namespace Checkpoint.Sqlite;

/// <summary>Writes: put (one transaction per batch), delete, access counters.</summary>
public sealed partial class SqliteMemoryStore
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryItem>> PutCoreAsync(IReadOnlyList<MemoryPut> puts, CancellationToken cancellationToken)
    {
        var (items, before, after, changes) = await RunAsync(write: true, session =>
        {
            var seq = NextSeq(session);
            var stored = new List<MemoryItem>(puts.Count);
            var changes = new List<(long, IndexedMemory?)>(puts.Count);
            foreach (var put in puts)
            {
                var existing = ReadByKey(session, put.Key);
                if (existing is null)
                {
                    // A new item does not inherit the accesses of a deleted one with its key.
                    _pendingAccess.Forget(put.Key);
                }

                var memory = put.Resolve(existing?.Item);
                var item = memory.Item;
                var id = Convert.ToInt64(session.Scalar(_sql.Upsert,
                    ("$ns", item.Namespace.StorageKey), ("$key", item.Key), ("$kind", (long)item.Kind),
                    ("$subject", (object?)MemorySubjectTag.Of(Options.Serializer, item.SubjectId) ?? DBNull.Value),
                    ("$created", item.CreatedAt.UtcTicks), ("$updated", item.UpdatedAt.UtcTicks), ("$accessed", item.LastAccessedAt.UtcTicks),
                    ("$expires", item.ExpiresAt is { } expires ? expires.UtcTicks : DBNull.Value), ("$importance", item.Importance),
                    ("$access_count", item.AccessCount), ("$version", item.Version),
                    ("$body", MemoryItemCodec.Encode(item, Options.Serializer)), ("$seq", seq),
                    ("$vector", memory.Embedding is { } vector ? VectorBytes(item, vector.Span) : DBNull.Value)),
                    System.Globalization.CultureInfo.InvariantCulture);
                AddHistory(session, memory.Change!);
                stored.Add(item);
                changes.Add((id, IndexedMemory.Of(id, item, memory.Embedding)));
            }

            return (stored, seq - 1, seq, changes);
        }, cancellationToken).ConfigureAwait(false);

        _index.Apply(before, after, changes);
        NotifyChangesCommitted();
        return items;
    }

    /// <inheritdoc />
    protected override async Task<bool> DeleteCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken)
    {
        var (id, before, after) = await RunAsync(write: true, session =>
        {
            if (ReadByKey(session, new MemoryKey(memoryNamespace, key)) is not { } row)
            {
                return ((long?)null, 0L, 0L);
            }

            var seq = NextSeq(session);
            RemoveRow(session, seq, row.Id, MemoryChange.Removal(row.Item, MemoryChangeKind.Delete, Options.TimeProvider.GetUtcNow()));
            return (row.Id, seq - 1, seq);
        }, cancellationToken).ConfigureAwait(false);

        if (id is not { } removed)
        {
            return false;
        }

        _index.Apply(before, after, [(removed, null)]);
        NotifyChangesCommitted();
        return true;
    }

    private (long Id, MemoryItem Item)? ReadByKey(SqliteSession session, MemoryKey key)
    {
        using var reader = session.Command(_sql.SelectByKey, ("$ns", key.Namespace.StorageKey), ("$key", key.Key)).ExecuteReader();
        // Without pending accesses: a put keeps the stored counters, and the flush adds what waits.
        return reader.Read() ? (reader.GetInt64(0), ReadItem(reader, withPendingAccess: false)) : null;
    }

    // Raw float32 without a key; enveloped (encrypted, bound to the item) with one.
    private byte[] VectorBytes(MemoryItem item, ReadOnlySpan<float> vector) =>
        Encrypts ? MemoryItemCodec.EncodeVector(vector, item.Namespace, item.Key, Options.Serializer) : MemoryMarshal.AsBytes(vector).ToArray();

    // The write counter's next value (this transaction's seq); every 1,024th also prunes old removals.
    private long NextSeq(SqliteSession session)
    {
        var seq = Convert.ToInt64(session.Scalar(_sql.BumpChanges), System.Globalization.CultureInfo.InvariantCulture);
        if (seq % 1024 == 0)
        {
            _ = session.Execute(_sql.PruneRemovals, ("$seq", seq));
        }

        return seq;
    }
}
