namespace Checkpoint.Memory.Markdown;

/// <summary>
/// A store instance's view of the folders under its root. Before each operation the store refreshes
/// the folders it needs: every file's length and last-write time are checked (see <see cref="FileStamp"/>),
/// and a file that may have changed is read and hashed; only a new hash re-parses it. So edits made
/// by people and writes made by other processes are seen on the next operation. Every namespace whose files
/// it found changed (or gone) other than by this instance's own writes is remembered in <see cref="Changed"/>
/// until the store has compared it with the history (a person's edit becomes a history line). Not thread-safe:
/// the store calls it under its gate.
/// </summary>
internal sealed class MarkdownIndex(string root, string soulKey)
{
    private readonly Dictionary<MemoryNamespace, NamespaceFolder> _folders = [];

    /// <summary>The namespaces whose files changed on disk (first reads included) since the store last compared them with the history.</summary>
    public HashSet<MemoryNamespace> Changed { get; } = [];

    /// <summary>The root folder.</summary>
    public string Root { get; } = root;

    /// <summary>The folder of one namespace, refreshed (its files may be none).</summary>
    public NamespaceFolder Refresh(MemoryNamespace memoryNamespace)
    {
        var folder = FolderOf(memoryNamespace);
        Refresh(folder);
        return folder;
    }

    /// <summary>Every namespace folder at or under <paramref name="prefix"/> (everything when null) that holds items, refreshed.</summary>
    public List<NamespaceFolder> RefreshUnder(MemoryNamespace? prefix)
    {
        var seen = new HashSet<MemoryNamespace>();
        if (prefix is null)
        {
            foreach (var (label, directory) in ChildFolders(Root))
            {
                Visit(MemoryNamespace.Of(label), directory, seen);
            }
        }
        else
        {
            Visit(prefix, MarkdownPaths.FolderOf(Root, prefix), seen);
        }

        // Folders deleted on disk since the last look.
        foreach (var gone in _folders.Keys.Where(ns => (prefix is null || prefix.IsPrefixOf(ns)) && !seen.Contains(ns)).ToList())
        {
            if (_folders[gone].Files.Count > 0)
            {
                _ = Changed.Add(gone);
            }

            _ = _folders.Remove(gone);
        }

        return seen.Select(ns => _folders[ns]).Where(folder => folder.Items.Count > 0).ToList();
    }

    /// <summary>Records a file the store itself just wrote (or deleted: null), so it is not read back.</summary>
    public static void Replace(NamespaceFolder folder, string path, MarkdownFile? file)
    {
        if (file is null)
        {
            _ = folder.Files.Remove(path);
        }
        else
        {
            folder.Files[path] = file;
        }
    }

    private NamespaceFolder FolderOf(MemoryNamespace memoryNamespace)
    {
        if (!_folders.TryGetValue(memoryNamespace, out var folder))
        {
            folder = new NamespaceFolder(memoryNamespace, MarkdownPaths.FolderOf(Root, memoryNamespace));
            _folders[memoryNamespace] = folder;
        }

        return folder;
    }

    private void Visit(MemoryNamespace memoryNamespace, string directory, HashSet<MemoryNamespace> seen)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        _ = seen.Add(memoryNamespace);
        Refresh(FolderOf(memoryNamespace));
        if (memoryNamespace.Depth >= MemoryNamespace.MaxDepth)
        {
            return;
        }

        foreach (var (label, child) in ChildFolders(directory))
        {
            Visit(memoryNamespace.Append(label), child, seen);
        }
    }

    // Sub-folders that are canonical namespace labels (not the log folder, side folders or a person's odd names).
    private static IEnumerable<(string Label, string Directory)> ChildFolders(string directory)
    {
        foreach (var child in AtomicFile.List(() => Directory.GetDirectories(directory)))
        {
            var name = Path.GetFileName(child);
            if (name != MarkdownPaths.LogFolder && FolderNames.TryDecode(name) is { } label)
            {
                yield return (label, child);
            }
        }
    }

    private void Refresh(NamespaceFolder folder)
    {
        var changed = false;
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, kind, date) in folder.PathsOnDisk())
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                continue;
            }

            _ = present.Add(path);
            folder.Files.TryGetValue(path, out var known);
            if (known is not null && known.Stamp.Matches(info))
            {
                continue;
            }

            var readAt = FileStamp.Now();
            if (AtomicFile.ReadShared(path) is not { } bytes)
            {
                _ = present.Remove(path);
                continue;
            }

            var file = MarkdownFile.Read(path, kind, date, bytes, FileStamp.Of(info, readAt));
            if (known is not null && known.ContentHash.AsSpan().SequenceEqual(file.ContentHash))
            {
                known.Stamp = file.Stamp; // touched, not changed: keep the parse (and the times of a person's bullets)
                continue;
            }

            folder.Files[path] = file;
            changed = true;
        }

        foreach (var gone in folder.Files.Keys.Where(path => !present.Contains(path)).ToList())
        {
            _ = folder.Files.Remove(gone);
            changed = true;
        }

        if (changed)
        {
            folder.Reassemble(soulKey);
            _ = Changed.Add(folder.Namespace);
        }
    }
}
