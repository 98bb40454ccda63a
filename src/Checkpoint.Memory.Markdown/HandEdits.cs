namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Turns what people changed in the markdown into history lines, by comparing each item in the files with the last
/// line of its history (not with what one instance saw before), so every instance and process that notices an edit
/// finds the same difference and, under the root lock, only the first one records it: an item whose text differs
/// from its last recorded text is an <see cref="MemoryChangeKind.Update"/>, an item with no live history an
/// <see cref="MemoryChangeKind.Add"/>, and a live item the files no longer hold a <see cref="MemoryChangeKind.Delete"/>.
/// </summary>
internal static class HandEdits
{
    /// <summary>The reason written on the lines of people's edits.</summary>
    public const string Reason = "edited by hand";

    /// <summary>
    /// The lines that bring the history of the namespaces in <paramref name="scope"/> in line with their folders
    /// (refreshed by the caller under the root lock); <paramref name="history"/> is the whole log.
    /// </summary>
    public static List<MemoryChange> Find(
        IReadOnlyCollection<NamespaceFolder> folders, ISet<MemoryNamespace> scope, IEnumerable<HistoryEntry> history, DateTimeOffset now)
    {
        var last = new Dictionary<MemoryKey, MemoryChange>();
        foreach (var change in history.Select(entry => entry.Change).OfType<MemoryChange>().Where(change => scope.Contains(change.Namespace)))
        {
            last[new MemoryKey(change.Namespace, change.Key)] = change;
        }

        var changes = new List<MemoryChange>();
        var present = new HashSet<MemoryKey>();
        foreach (var item in folders.SelectMany(folder => folder.Items.Values).Select(located => located.Item))
        {
            var key = new MemoryKey(item.Namespace, item.Key);
            _ = present.Add(key);
            var previous = last.GetValueOrDefault(key);
            if (previous?.NewContent is null)
            {
                changes.Add(Line(item, MemoryChangeKind.Add, now, oldContent: null));
            }
            else if (!string.Equals(previous.NewContent, item.Content, StringComparison.Ordinal))
            {
                changes.Add(Line(item, MemoryChangeKind.Update, now, previous.NewContent));
            }
        }

        foreach (var (key, previous) in last.Where(pair => pair.Value.NewContent is not null && !present.Contains(pair.Key)))
        {
            changes.Add(new MemoryChange
            {
                Namespace = key.Namespace,
                Key = key.Key,
                Version = previous.Version,
                Kind = MemoryChangeKind.Delete,
                At = now,
                OldContent = previous.NewContent,
                Reason = Reason,
                SubjectId = previous.SubjectId,
            });
        }

        return changes;
    }

    // The version is the one every reader derives from the files (see ItemAssembler), so the event and GetAsync agree.
    private static MemoryChange Line(MemoryItem item, MemoryChangeKind kind, DateTimeOffset now, string? oldContent) => new()
    {
        Namespace = item.Namespace,
        Key = item.Key,
        Version = item.Version,
        Kind = kind,
        At = now,
        OldContent = oldContent,
        NewContent = item.Content,
        Reason = Reason,
        SubjectId = item.SubjectId,
    };
}
