namespace Checkpoint.Memory.Markdown;

/// <summary>Lifecycle: the history log (people's edits recorded first), scans (expired items included) and version-checked removals.</summary>
public sealed partial class MarkdownMemoryStore
{
    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryChange>> GetHistoryCoreAsync(MemoryKey key, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RecordHandEditsAsync(key.Namespace, cancellationToken).ConfigureAwait(false);
            return _history.Read(key);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StoredMemory> ScanCoreAsync(
        MemoryScan scan, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<StoredMemory> matches;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _access.Refresh();
            var items = _index.RefreshUnder(scan.NamespacePrefix)
                .SelectMany(folder => folder.Items.Values)
                .Select(located => _access.Apply(located.Item))
                .Where(scan.Matches)
                .ToList();
            var vectors = scan.WithVectors ? await VectorsAsync(items, cancellationToken).ConfigureAwait(false) : new float[]?[items.Count];
            matches = [.. items.Select((item, i) => new StoredMemory(item, vectors[i] is { } vector ? new ReadOnlyMemory<float>(vector) : null))];
        }
        finally
        {
            _ = _gate.Release();
        }

        foreach (var stored in matches)
        {
            yield return stored;
        }
    }

    /// <inheritdoc />
    protected override async Task<MemoryErasure> EraseSubjectCoreAsync(string subjectId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var held = await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false);
            RecordHandEdits(); // a person's edit of the subject's items is recorded, then erased with the rest
            _access.Refresh();
            var changes = new Dictionary<string, FileChange>(StringComparer.Ordinal);
            var erased = new List<MemoryItem>();
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var folder in _index.RefreshUnder(null))
            {
                foreach (var located in folder.Items.Values)
                {
                    if (located.Item.SubjectId == subjectId)
                    {
                        ChangeOf(changes, folder, located.File.Path, located.File.Kind, located.File.Date).Items[located.Item.Key] = null;
                        erased.Add(located.Item);
                    }
                    else
                    {
                        _ = kept.Add(_embeddings.KeyOf(EmbeddedText(located.Item)));
                    }
                }
            }

            Commit(changes.Values);
            foreach (var item in erased)
            {
                _access.Forget(item.Namespace, item.Key);
            }

            // Vectors of the erased texts go too, unless another subject's item has the very same text.
            _embeddings.Remove([.. erased.Select(item => _embeddings.KeyOf(EmbeddedText(item))).Where(key => !kept.Contains(key))]);
            var historyRows = _history.Erase(subjectId, erased.Count > 0, Options.TimeProvider.GetUtcNow());
            if (erased.Count + historyRows > 0)
            {
                NotifyChangesCommitted();
            }

            return new MemoryErasure(subjectId, erased.Count, historyRows, Scrubbed: true);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task<int> CountCoreAsync(MemoryNamespace prefix, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _index.RefreshUnder(prefix).Sum(folder => folder.Items.Values.Count(located => !located.Item.IsExpiredAt(now)));
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryItem>> RemoveCoreAsync(
        IReadOnlyList<MemoryRemoval> removals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var held = await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false);
            RecordHandEdits();
            _access.Refresh();
            var changes = new Dictionary<string, FileChange>(StringComparer.Ordinal);
            var removed = new Dictionary<MemoryKey, (MemoryItem Item, MemoryRemoval Removal)>();
            foreach (var removal in removals)
            {
                var folder = _index.Refresh(removal.Key.Namespace);
                if (!removed.ContainsKey(removal.Key) && folder.Items.TryGetValue(removal.Key.Key, out var existing)
                    && existing.Item.Version == removal.Version)
                {
                    ChangeOf(changes, folder, existing.File.Path, existing.File.Kind, existing.File.Date).Items[removal.Key.Key] = null;
                    removed[removal.Key] = (_access.Apply(existing.Item), removal);
                }
            }

            if (removed.Count == 0)
            {
                return [];
            }

            Commit(changes.Values);
            foreach (var key in removed.Keys)
            {
                _access.Forget(key.Namespace, key.Key);
            }

            _ = _history.Append(removed.Values.Select(r => MemoryChange.Removal(r.Item, r.Removal.Kind, now, r.Removal.Reason)));
            NotifyChangesCommitted();
            return [.. removed.Values.Select(r => r.Item)];
        }
        finally
        {
            _ = _gate.Release();
        }
    }
}
