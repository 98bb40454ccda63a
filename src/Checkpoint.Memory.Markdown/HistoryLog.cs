using System.Text;
using System.Text.Json;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The history of the store's items, one JSON object per line in <c>.memory/history.jsonl</c> under the
/// root: readable like the markdown, appended under the root lock. A line cut short by a crash is
/// skipped on read. Edits a person makes to the markdown files do not go through the store and are not
/// in it; their effect shows in the next change the store records for that item.
/// </summary>
internal sealed class HistoryLog(string path)
{
    /// <summary>Appends the changes (the caller holds the root lock).</summary>
    public void Append(IEnumerable<MemoryChange> changes)
    {
        var text = new StringBuilder();
        foreach (var change in changes)
        {
            text.Append(JsonSerializer.Serialize(Line.Of(change))).Append('\n');
        }

        if (text.Length == 0)
        {
            return;
        }

        _ = Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Rewrites the log without the subject's lines (the caller holds the root lock): the new file replaces
    /// the old one by rename, so no line of the subject stays in the folder. Returns the lines removed.
    /// </summary>
    public int RemoveSubject(string subjectId)
    {
        var all = ReadAll().ToList();
        var kept = all.Where(change => change.SubjectId != subjectId).ToList();
        if (kept.Count == all.Count)
        {
            return 0;
        }

        var text = new StringBuilder();
        foreach (var change in kept)
        {
            text.Append(JsonSerializer.Serialize(Line.Of(change))).Append('\n');
        }

        AtomicFile.Commit(AtomicFile.WriteTemp(path, Encoding.UTF8.GetBytes(text.ToString())), path);
        return all.Count - kept.Count;
    }

    /// <summary>The changes of one item, oldest first.</summary>
    public List<MemoryChange> Read(MemoryKey key) =>
        [.. ReadAll().Where(change => change.Key == key.Key && change.Namespace.Equals(key.Namespace))];

    /// <summary>Every readable line, oldest first.</summary>
    public IEnumerable<MemoryChange> ReadAll()
    {
        if (AtomicFile.ReadShared(path) is not { } bytes)
        {
            yield break;
        }

        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            if (Parse(line) is { } change)
            {
                yield return change;
            }
        }
    }

    private static MemoryChange? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Line>(line)?.ToChange();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null; // a line cut short by a crash, or edited into something else
        }
    }

    /// <summary>The JSON form of one change.</summary>
    private sealed record Line(
        string Ns, string Key, long Version, string Kind, DateTimeOffset At, string? Old, string? New, string[][]? Sources, string? Reason, string? Subject)
    {
        public static Line Of(MemoryChange change) => new(
            change.Namespace.ToString(), change.Key, change.Version, change.Kind.ToString(), change.At, change.OldContent, change.NewContent,
            change.Sources.Count == 0 ? null : [.. change.Sources.Select(source => new[] { source.Namespace.ToString(), source.Key })],
            change.Reason, change.SubjectId);

        public MemoryChange ToChange() => new()
        {
            Namespace = MemoryNamespace.Parse(Ns),
            Key = Key,
            Version = Version,
            Kind = Enum.Parse<MemoryChangeKind>(Kind),
            At = At,
            OldContent = Old,
            NewContent = New,
            Sources = Sources is null ? [] : [.. Sources.Where(pair => pair.Length == 2).Select(pair => new MemoryKey(MemoryNamespace.Parse(pair[0]), pair[1]))],
            Reason = Reason,
            SubjectId = Subject,
        };
    }
}
