namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The change feed: the lines of <c>history.jsonl</c> (see <see cref="HistoryLog"/>), people's edits recorded there
/// when noticed (see <see cref="HandEdits"/>), and a file watcher on the root that wakes watchers at once, with a poll
/// every <see cref="MemoryStoreOptions.ChangePollInterval"/> for what it misses.
/// </summary>
public sealed partial class MarkdownMemoryStore
{
    private readonly Lock _watcherLock = new();
    private FileSystemWatcher? _watcher;
    private bool _watcherFailed;
    private bool _comparedAll;

    /// <inheritdoc />
    protected override async Task<long> GetLatestChangeIdCoreAsync(CancellationToken cancellationToken) =>
        (await ReadHistoryAfterAsync(long.MaxValue, cancellationToken).ConfigureAwait(false)).Latest;

    /// <inheritdoc />
    protected override async Task<MemoryChangePage> ReadChangesCoreAsync(MemoryNamespace namespacePrefix, long after, int limit, CancellationToken cancellationToken)
    {
        var tail = await ReadHistoryAfterAsync(after, cancellationToken).ConfigureAwait(false);
        var events = new List<MemoryEvent>();
        foreach (var entry in tail.Entries)
        {
            if (entry.Change is null || namespacePrefix.IsPrefixOf(entry.Change.Namespace))
            {
                events.Add(entry.ToEvent());
                if (events.Count == limit)
                {
                    return new MemoryChangePage(events, entry.Id);
                }
            }
        }

        return new MemoryChangePage(events, tail.Latest);
    }

    /// <inheritdoc />
    protected override async Task WaitForChangesCoreAsync(long after, CancellationToken cancellationToken)
    {
        StartWatcher();

        // People's edits become history lines when noticed, so each check records them first.
        await PollForChangesAsync(after, async token =>
        {
            await CheckHandEditsAsync(token).ConfigureAwait(false);
            return await GetLatestChangeIdCoreAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (MarkDisposed())
        {
            lock (_watcherLock)
            {
                _watcher?.Dispose();
                _watcher = null;
            }
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    // A log an older build wrote has lines without ids: they get theirs once, under the lock, then the read is repeated.
    private async Task<HistoryTail> ReadHistoryAfterAsync(long after, CancellationToken cancellationToken)
    {
        var tail = _history.ReadAfter(after);
        if (!tail.Legacy)
        {
            return tail;
        }

        using (await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false))
        {
            if (_history.Upgrade())
            {
                NotifyChangesCommitted();
            }
        }

        return _history.ReadAfter(after);
    }

    // On a watcher's wake: cheap when nothing changed (file stamps only); the root lock only when a file did.
    private async Task CheckHandEditsAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RecordHandEditsAsync(null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    // Under the gate: refreshes the folders (all, or one namespace) and, when a file changed on disk, records
    // people's edits under the root lock.
    private async Task RecordHandEditsAsync(MemoryNamespace? only, CancellationToken cancellationToken)
    {
        if (only is null || !_comparedAll)
        {
            _ = _index.RefreshUnder(null);
        }
        else
        {
            _ = _index.Refresh(only);
        }

        // Only a namespace whose files have rested is compared when looking: until then, no lock (writers go first).
        if (_comparedAll && !_index.Changed.ToList().Any(ns => IsSettled(_index.Refresh(ns))))
        {
            return;
        }

        using var held = await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false);
        RecordHandEdits(settledOnly: true);
    }

    /// <summary>
    /// Under the gate and the root lock: compares the namespaces whose files changed on disk (the first time, every
    /// namespace on disk or in the history, so edits made while no store ran count too) with the history and appends
    /// the people's edits found. Writes call it first, so a person's edit is recorded before the write that follows it.
    /// </summary>
    private void RecordHandEdits(bool settledOnly = false)
    {
        List<HistoryEntry>? history = null;
        if (!_comparedAll)
        {
            _ = _index.RefreshUnder(null);
            history = [.. _history.ReadAll()];
            _index.Changed.UnionWith(history.Select(entry => entry.Change?.Namespace).OfType<MemoryNamespace>());
        }

        if (_index.Changed.Count > 0)
        {
            // Read again under the lock: what the history is compared with. When only looking, a namespace with a file
            // written just before it was read waits for a later look (a save in progress may have cut it short); a
            // write does not wait, since it rewrites the files from what it reads now.
            var folders = _index.Changed.ToList().Select(_index.Refresh)
                .Where(folder => !settledOnly || IsSettled(folder)).ToList();
            if (folders.Count > 0)
            {
                var scope = folders.Select(folder => folder.Namespace).ToHashSet();
                history ??= [.. _history.ReadAll()];
                var changes = HandEdits.Find(folders, scope, history, Options.TimeProvider.GetUtcNow());
                _index.Changed.ExceptWith(scope);
                if (_history.Append(changes) > 0)
                {
                    NotifyChangesCommitted();
                }
            }
        }

        _comparedAll = true;
    }

    private static bool IsSettled(NamespaceFolder folder) => folder.Files.Values.All(file => file.Stamp.IsSettled);

    private void StartWatcher()
    {
        lock (_watcherLock)
        {
            if (_watcher is not null || _watcherFailed || IsDisposed)
            {
                return;
            }

            try
            {
                var watcher = new FileSystemWatcher(RootDirectory)
                {
                    IncludeSubdirectories = true,
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
                };
                watcher.Changed += OnFileEvent;
                watcher.Created += OnFileEvent;
                watcher.Deleted += OnFileEvent;
                watcher.Renamed += OnFileEvent;
                watcher.Error += (_, _) => NotifyChangesCommitted(); // events were lost: look now
                watcher.EnableRaisingEvents = true;
                _watcher = watcher;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                _watcherFailed = true; // e.g. no inotify watches left: the poll still sees every change
            }
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        if (Matters(e.FullPath) || (e is RenamedEventArgs renamed && Matters(renamed.OldFullPath)))
        {
            NotifyChangesCommitted();
        }
    }

    // Markdown files and folders, and the history; not temp files, the lock, or the side files searches rewrite.
    private bool Matters(string path)
    {
        if (path == _history.Path)
        {
            return true;
        }

        var name = Path.GetFileName(path);
        var side = Path.Combine(RootDirectory, MarkdownPaths.SideFolder);
        return !name.EndsWith(".tmp", StringComparison.Ordinal) && name != MarkdownPaths.LockFile
            && !(path.StartsWith(side, StringComparison.Ordinal) && (path.Length == side.Length || path[side.Length] == Path.DirectorySeparatorChar));
    }
}
