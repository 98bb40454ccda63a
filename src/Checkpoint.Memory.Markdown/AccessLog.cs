namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Access counts and last-access times, kept in <c>.memory/access.bin</c> under the root instead of
/// the markdown, so a search never rewrites the files people read. An entry counts for an item only
/// while the item's creation time matches (a deleted and re-created key starts again at 0) and
/// while it is not behind the counts written in the item's tag. Rewritten atomically under the root lock.
/// </summary>
internal sealed class AccessLog(string path)
{
    private const int Revision = 1;
    private Dictionary<(string Namespace, string Key), Entry> _entries = [];
    private FileStamp? _stamp;

    /// <summary>The item with its recorded accesses applied.</summary>
    public MemoryItem Apply(MemoryItem item) =>
        _entries.TryGetValue((item.Namespace.StorageKey, item.Key), out var entry)
        && entry.CreatedTicks == item.CreatedAt.UtcTicks && entry.Count >= item.AccessCount
            ? item with { AccessCount = entry.Count, LastAccessedAt = new DateTimeOffset(entry.LastTicks, TimeSpan.Zero) }
            : item;

    /// <summary>Reads the file again if it changed.</summary>
    public void Refresh()
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            _entries = [];
            _stamp = null;
            return;
        }

        if (_stamp is { } stamp && stamp.Matches(info))
        {
            return;
        }

        var readAt = FileStamp.Now();
        _entries = AtomicFile.ReadShared(path) is { } bytes ? Decode(bytes) : [];
        _stamp = FileStamp.Of(info, readAt);
    }

    /// <summary>Records one access of each item at <paramref name="now"/> and saves (the caller holds the root lock and refreshed).</summary>
    public void Record(IEnumerable<MemoryItem> items, DateTimeOffset now)
    {
        foreach (var item in items)
        {
            var current = Apply(item);
            _entries[(item.Namespace.StorageKey, item.Key)] = new Entry(item.CreatedAt.UtcTicks, current.AccessCount + 1, now.UtcTicks);
        }

        Save();
    }

    /// <summary>Forgets a deleted item and saves when it had an entry (the caller holds the root lock and refreshed).</summary>
    public void Forget(MemoryNamespace memoryNamespace, string key)
    {
        if (_entries.Remove((memoryNamespace.StorageKey, key)))
        {
            Save();
        }
    }

    private void Save()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Revision);
            writer.Write(_entries.Count);
            foreach (var ((ns, key), entry) in _entries)
            {
                writer.Write(ns);
                writer.Write(key);
                writer.Write(entry.CreatedTicks);
                writer.Write(entry.Count);
                writer.Write(entry.LastTicks);
            }
        }

        AtomicFile.Commit(AtomicFile.WriteTemp(path, buffer.ToArray()), path);
        _stamp = null; // our own write: read it back next time, cheaply, rather than trusting a racy stamp
    }

    private static Dictionary<(string, string), Entry> Decode(byte[] bytes)
    {
        var entries = new Dictionary<(string, string), Entry>();
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            if (reader.ReadInt32() != Revision)
            {
                return entries;
            }

            for (var n = reader.ReadInt32(); n > 0; n--)
            {
                var key = (reader.ReadString(), reader.ReadString());
                entries[key] = new Entry(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException)
        {
            // A damaged side file loses access counts only; the markdown is the memory.
        }

        return entries;
    }

    private readonly record struct Entry(long CreatedTicks, long Count, long LastTicks);
}
