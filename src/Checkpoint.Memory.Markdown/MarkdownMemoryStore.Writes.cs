using System.Text;

namespace Checkpoint.Memory.Markdown;

public sealed partial class MarkdownMemoryStore
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryItem>> PutCoreAsync(IReadOnlyList<MemoryPut> puts, CancellationToken cancellationToken)
    {
        foreach (var label in puts.SelectMany(put => put.Item.Namespace.Labels).Distinct())
        {
            FolderNames.Check(label);
        }

        // Files are UTF-8: a key with an unpaired surrogate would read back as another key.
        if (puts.FirstOrDefault(put => !FolderNames.IsWellFormed(put.Item.Key)) is { } bad)
        {
            throw new ArgumentException($"Memory '{bad.Item.Namespace}' key contains an unpaired surrogate, which a markdown file cannot hold.", nameof(puts));
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var held = await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false);
            RecordHandEdits();

            // Read every file again under the lock, resolve every put (a conflict writes nothing), then write.
            _access.Refresh();
            var folders = puts.Select(put => put.Item.Namespace).Distinct().ToDictionary(ns => ns, _index.Refresh);
            var resolved = puts.Select(put =>
            {
                var existing = folders[put.Item.Namespace].Items.GetValueOrDefault(put.Item.Key);
                return (Memory: put.Resolve(existing is null ? null : _access.Apply(existing.Item)), Existing: existing);
            }).ToList();

            var changes = new Dictionary<string, FileChange>(StringComparer.Ordinal);
            foreach (var (memory, existing) in resolved)
            {
                var folder = folders[memory.Item.Namespace];
                var target = TargetOf(folder, memory.Item, existing);
                if (existing is not null && existing.File.Path != target.Path)
                {
                    ChangeOf(changes, folder, existing.File.Path, existing.File.Kind, existing.File.Date).Items[memory.Item.Key] = null;
                }

                ChangeOf(changes, folder, target.Path, target.Kind, target.Date).Items[memory.Item.Key] = memory.Item;
            }

            if (resolved.FirstOrDefault(r => r.Memory.Embedding is not null).Memory?.Embedding is { } first)
            {
                _ = Interlocked.CompareExchange(ref _dimensions, first.Length, 0); // cached vectors of another size are not used
            }

            _embeddings.Append(resolved
                .Where(r => r.Memory.Embedding is not null)
                .Select(r => (_embeddings.KeyOf(EmbeddedText(r.Memory.Item)), r.Memory.Embedding!.Value.ToArray()))
                .ToList());
            Commit(changes.Values);
            _ = _history.Append(resolved.Select(r => r.Memory.Change!));
            NotifyChangesCommitted();
            return resolved.Select(r => r.Memory.Item).ToList();
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task<bool> DeleteCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var held = await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false);
            RecordHandEdits();
            var folder = _index.Refresh(memoryNamespace);
            if (!folder.Items.TryGetValue(key, out var existing))
            {
                return false;
            }

            var change = new FileChange(folder, existing.File.Path, existing.File.Kind, existing.File.Date);
            change.Items[key] = null;
            Commit([change]);
            _access.Refresh();
            _access.Forget(memoryNamespace, key);
            _ = _history.Append([MemoryChange.Removal(existing.Item, MemoryChangeKind.Delete, Options.TimeProvider.GetUtcNow())]);
            NotifyChangesCommitted();
            return true;
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    // The soul key lives in SOUL.md; an episode stays in its log or goes to the log of its creation day; the rest in MEMORY.md.
    private (string Path, MemoryFileKind Kind, DateOnly? Date) TargetOf(NamespaceFolder folder, MemoryItem item, LocatedItem? existing)
    {
        if (item.Key == MarkdownOptions.SoulKey)
        {
            return (folder.SoulPath, MemoryFileKind.Soul, null);
        }

        if (item.Kind != MemoryKind.Episodic)
        {
            return (folder.MemoryPath, MemoryFileKind.Memory, null);
        }

        if (existing?.File is { Kind: MemoryFileKind.Log } log)
        {
            return (log.Path, MemoryFileKind.Log, log.Date);
        }

        var date = DateOnly.FromDateTime(item.CreatedAt.UtcDateTime);
        return (Path.Combine(folder.LogDirectory, MarkdownPaths.LogFileName(date)), MemoryFileKind.Log, date);
    }

    private static FileChange ChangeOf(Dictionary<string, FileChange> changes, NamespaceFolder folder, string path, MemoryFileKind kind, DateOnly? date)
    {
        if (!changes.TryGetValue(path, out var change))
        {
            change = new FileChange(folder, path, kind, date);
            changes[path] = change;
        }

        return change;
    }

    // Renders every file, writes every temporary file, then renames them all (and deletes emptied files),
    // so an error before the renames changes nothing. Then records the new files in the index.
    private void Commit(IEnumerable<FileChange> changes)
    {
        var rendered = changes.Select(change => (Change: change, Text: change.Render())).ToList();
        foreach (var folder in rendered.Select(r => r.Change.Folder).Distinct())
        {
            AtomicFile.RemoveStaleTemps(folder.Directory);
            AtomicFile.RemoveStaleTemps(folder.LogDirectory);
        }

        var temps = new List<(FileChange Change, string Temp, byte[] Bytes)>();
        try
        {
            foreach (var (change, text) in rendered.Where(r => r.Text is not null))
            {
                var bytes = Encoding.UTF8.GetBytes(text!);
                temps.Add((change, AtomicFile.WriteTemp(change.Path, bytes), bytes));
            }
        }
        catch
        {
            foreach (var (_, temp, _) in temps)
            {
                AtomicFile.TryDelete(temp);
            }

            throw;
        }

        foreach (var (change, temp, bytes) in temps)
        {
            AtomicFile.Commit(temp, change.Path);
            var stamp = FileStamp.Of(new FileInfo(change.Path), FileStamp.Now());
            MarkdownIndex.Replace(change.Folder, change.Path, MarkdownFile.Read(change.Path, change.Kind, change.Date, bytes, stamp));
        }

        foreach (var (change, _) in rendered.Where(r => r.Text is null))
        {
            AtomicFile.TryDelete(change.Path);
            MarkdownIndex.Replace(change.Folder, change.Path, null);
            RemoveEmptyFolders(change.Folder);
        }

        foreach (var folder in rendered.Select(r => r.Change.Folder).Distinct())
        {
            folder.Reassemble(MarkdownOptions.SoulKey);
        }
    }

    // After a file is deleted: the log folder, the namespace folder and its parents go when empty (never the root).
    private void RemoveEmptyFolders(NamespaceFolder folder)
    {
        foreach (var directory in new[] { folder.LogDirectory }.Concat(Parents(folder.Directory)))
        {
            try
            {
                if (!Directory.Exists(directory))
                {
                    continue;
                }

                if (Directory.EnumerateFileSystemEntries(directory).Any())
                {
                    return;
                }

                Directory.Delete(directory);
            }
            catch (IOException)
            {
                return; // someone wrote into it meanwhile
            }
        }
    }

    private IEnumerable<string> Parents(string directory)
    {
        for (var current = directory; current.Length > RootDirectory.Length && current.StartsWith(RootDirectory, StringComparison.Ordinal); current = Path.GetDirectoryName(current)!)
        {
            yield return current;
        }
    }
}
