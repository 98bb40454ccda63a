namespace Checkpoint.Memory.Markdown;

/// <summary>
/// What a store knows of one namespace's folder: its parsed files (refreshed from disk before every
/// operation, re-parsing only the files whose bytes changed) and the items they hold.
/// </summary>
internal sealed class NamespaceFolder(MemoryNamespace memoryNamespace, string directory)
{
    /// <summary>The namespace.</summary>
    public MemoryNamespace Namespace { get; } = memoryNamespace;

    /// <summary>The folder.</summary>
    public string Directory { get; } = directory;

    /// <summary>The parsed files, by path.</summary>
    public Dictionary<string, MarkdownFile> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>The items, by key (rebuilt whenever a file changes).</summary>
    public Dictionary<string, LocatedItem> Items { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The key of each bullet, by reference (two bullets may be equal as values).</summary>
    public Dictionary<BulletBlock, string> KeyOf { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The path of <c>MEMORY.md</c>.</summary>
    public string MemoryPath => Path.Combine(Directory, MarkdownPaths.MemoryFile);

    /// <summary>The path of <c>SOUL.md</c>.</summary>
    public string SoulPath => Path.Combine(Directory, MarkdownPaths.SoulFile);

    /// <summary>The folder of the daily logs.</summary>
    public string LogDirectory => Path.Combine(Directory, MarkdownPaths.LogFolder);

    /// <summary>Rebuilds <see cref="Items"/> from <see cref="Files"/>.</summary>
    public void Reassemble(string soulKey)
    {
        Items = ItemAssembler.Assemble(Namespace, Files.Values, soulKey);
        KeyOf.Clear();
        foreach (var (key, located) in Items)
        {
            KeyOf[located.Block] = key;
        }
    }

    /// <summary>The paths this namespace's files would have now, with kind and date.</summary>
    public IEnumerable<(string Path, MemoryFileKind Kind, DateOnly? Date)> PathsOnDisk()
    {
        yield return (SoulPath, MemoryFileKind.Soul, null);
        yield return (MemoryPath, MemoryFileKind.Memory, null);
        foreach (var path in AtomicFile.List(() => System.IO.Directory.GetFiles(LogDirectory, "*.md")))
        {
            if (MarkdownPaths.LogDate(Path.GetFileName(path)) is { } date)
            {
                yield return (path, MemoryFileKind.Log, date);
            }
        }
    }
}
