using System.Text;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The history of the store's items and its change feed, one JSON object per line in <c>.memory/history.jsonl</c>
/// under the root (see <see cref="HistoryLine"/>): readable like the markdown, appended under the root lock. Every
/// line has a change id, one more than the line before: the last line holds the latest id, so the file itself is
/// the counter (no second file to keep in step, nothing to lose between two writes). Erasure rewrites the file
/// without the subject's lines and ends it with a marker line holding the next id, so the latest id never goes
/// down. A line cut short by a crash is skipped on read (nobody saw its id, so the next append may take it).
/// </summary>
internal sealed class HistoryLog(string path)
{
    private const int FirstWindow = 16 * 1024;

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>Appends the changes with the next ids (the caller holds the root lock); returns how many were written.</summary>
    public int Append(IEnumerable<MemoryChange> changes)
    {
        var list = changes.ToList();
        if (list.Count == 0)
        {
            return 0;
        }

        var id = LatestForWrite();
        var text = new StringBuilder();
        foreach (var change in list)
        {
            text.Append(HistoryLine.Format(new HistoryEntry(++id, change, change.At))).Append('\n');
        }

        _ = Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var stream = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        if (stream.Length > 0)
        {
            // A crash may have cut the last line short: start on a new line, so the torn one stays alone (and skipped).
            stream.Position = stream.Length - 1;
            if (stream.ReadByte() != '\n')
            {
                text.Insert(0, '\n');
            }
        }

        stream.Position = stream.Length;
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
        stream.Flush(flushToDisk: true);
        return list.Count;
    }

    /// <summary>
    /// Rewrites the log without the subject's lines (the caller holds the root lock) and, when anything was removed
    /// (lines, or items: <paramref name="itemsRemoved"/>), ends it with an erasure marker taking the next id. The new
    /// file replaces the old one by rename, so no line of the subject stays in the folder. Returns the lines removed.
    /// </summary>
    public int Erase(string subjectId, bool itemsRemoved, DateTimeOffset now)
    {
        var all = Numbered(ReadAll());
        var kept = all.Where(entry => entry.Change?.SubjectId != subjectId).ToList();
        var removed = all.Count - kept.Count;
        if (removed == 0 && !itemsRemoved)
        {
            return 0;
        }

        kept.Add(new HistoryEntry((all.Count == 0 ? 0 : all[^1].Id) + 1, null, now));
        Rewrite(kept);
        return removed;
    }

    /// <summary>
    /// Gives ids to the lines an older build wrote without them (the caller holds the root lock): each takes the
    /// id after the line before, in file order, so the whole log is numbered 1, 2, 3… once. Returns true when it rewrote.
    /// </summary>
    public bool Upgrade()
    {
        var all = ReadAll().ToList();
        if (all.All(entry => entry.Id > 0))
        {
            return false;
        }

        Rewrite(Numbered(all));
        return true;
    }

    /// <summary>The changes of one item, oldest first (no markers).</summary>
    public List<MemoryChange> Read(MemoryKey key) =>
        [.. ReadAll().Select(entry => entry.Change).OfType<MemoryChange>().Where(change => change.Key == key.Key && change.Namespace.Equals(key.Namespace))];

    /// <summary>Every readable line, oldest first.</summary>
    public IEnumerable<HistoryEntry> ReadAll() =>
        AtomicFile.ReadShared(Path) is { } bytes ? Lines(bytes, skipFirst: false) : [];

    /// <summary>
    /// The lines with ids above <paramref name="after"/> and the latest id, from one read of the file's end (which
    /// grows until it reaches a line at or below <paramref name="after"/>), so a poll does not parse the whole log.
    /// <see cref="HistoryTail.Legacy"/> says a line without an id was met: upgrade first.
    /// </summary>
    public HistoryTail ReadAfter(long after)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new HistoryTail([], 0, Legacy: false);
        }

        using (stream)
        {
            var length = stream.Length; // appends after this are the next read's
            for (long window = FirstWindow; ; window *= 4)
            {
                var start = Math.Max(0, length - window);
                var bytes = new byte[length - start];
                stream.Position = start;
                stream.ReadExactly(bytes);
                var entries = Lines(bytes, skipFirst: start > 0).ToList(); // the first piece of a window is a line's end
                if (start == 0 || (entries.Count > 0 && entries[0].Id <= after))
                {
                    return new HistoryTail(
                        [.. entries.Where(entry => entry.Id > after)],
                        entries.Count == 0 ? 0 : entries[^1].Id,
                        entries.Any(entry => entry.Id == 0));
                }
            }
        }
    }

    // The latest id before an append (the caller holds the root lock): an old build's lines get their ids first.
    private long LatestForWrite()
    {
        var tail = ReadAfter(long.MaxValue);
        if (!tail.Legacy)
        {
            return tail.Latest;
        }

        _ = Upgrade();
        return ReadAfter(long.MaxValue).Latest;
    }

    private void Rewrite(IEnumerable<HistoryEntry> entries)
    {
        var text = new StringBuilder();
        foreach (var entry in entries)
        {
            text.Append(HistoryLine.Format(entry)).Append('\n');
        }

        AtomicFile.Commit(AtomicFile.WriteTemp(Path, Encoding.UTF8.GetBytes(text.ToString())), Path);
    }

    // Lines without an id (an older build's) take the id after the line before; ids stay ascending.
    private static List<HistoryEntry> Numbered(IEnumerable<HistoryEntry> entries)
    {
        var numbered = new List<HistoryEntry>();
        var previous = 0L;
        foreach (var entry in entries)
        {
            previous = entry.Id > previous ? entry.Id : previous + 1;
            numbered.Add(entry.Id == previous ? entry : entry with { Id = previous });
        }

        return numbered;
    }

    private static IEnumerable<HistoryEntry> Lines(byte[] bytes, bool skipFirst)
    {
        var rest = bytes.AsMemory();
        var first = true;
        while (!rest.IsEmpty)
        {
            var end = rest.Span.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            if (first && skipFirst)
            {
                first = false;
                continue;
            }

            first = false;
            if (HistoryLine.Parse(line.Span) is { } entry)
            {
                yield return entry;
            }
        }
    }
}
