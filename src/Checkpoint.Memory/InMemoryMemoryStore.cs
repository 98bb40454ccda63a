namespace Checkpoint.Memory;

/// <summary>
/// A memory store in process memory, for tests and ephemeral agents. Like every store it keeps bytes
/// only (each item's enveloped body, encrypted when the serializer has a key, and a copy of its
/// vector), never the objects it was given. Thread-safe: every operation runs under one lock, so
/// <see cref="MemoryStore.PutManyAsync"/> is atomic. Search goes through a <see cref="MemorySearchIndex"/>
/// (<see cref="IndexedSearch"/>) and decodes only the items it returns.
/// </summary>
public sealed class InMemoryMemoryStore : MemoryStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<MemoryKey, Entry> _entries = [];
    private readonly Dictionary<long, MemoryKey> _keysById = [];
    private readonly MemorySearchIndex _index = new();
    private readonly Dictionary<MemoryKey, List<StoredChange>> _history = [];
    private readonly List<FeedEntry> _feed = [];
    private long _nextId;
    private long _latestChangeId;

    /// <summary>Creates an empty store.</summary>
    public InMemoryMemoryStore(MemoryStoreOptions? options = null)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryItem>> PutCoreAsync(IReadOnlyList<MemoryPut> puts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            // Resolve every put before storing any, so a conflict stores nothing.
            var resolved = puts.Select(put => put.Resolve(Read(put.Key))).ToList();
            var replacedIds = new List<long>();
            var indexed = new List<IndexedMemory>();
            foreach (var memory in resolved)
            {
                var key = new MemoryKey(memory.Item.Namespace, memory.Item.Key);
                if (_entries.Remove(key, out var replaced))
                {
                    _ = _keysById.Remove(replaced.Id);
                    replacedIds.Add(replaced.Id);
                }

                var id = ++_nextId;
                _entries[key] = Entry.Of(id, memory, Options);
                _keysById[id] = key;
                indexed.Add(IndexedMemory.Of(id, memory.Item, memory.Embedding));
                AddHistory(memory.Change!);
            }

            // One index update: a concurrent search sees the old item or the new one, never neither.
            _index.Update(replacedIds, indexed);
            NotifyChangesCommitted();
            return Task.FromResult<IReadOnlyList<MemoryItem>>(resolved.Select(memory => memory.Item).ToList());
        }
    }

    /// <inheritdoc />
    protected override Task<MemoryItem?> GetCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(Read(new MemoryKey(memoryNamespace, key)));
        }
    }

    /// <inheritdoc />
    protected override Task<bool> DeleteCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var memoryKey = new MemoryKey(memoryNamespace, key);
            if (Read(memoryKey) is not { } item)
            {
                return Task.FromResult(false);
            }

            Remove(memoryKey, MemoryChange.Removal(item, MemoryChangeKind.Delete, Options.TimeProvider.GetUtcNow()));
            NotifyChangesCommitted();
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryNamespace>> ListNamespacesCoreAsync(NamespaceQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(NamespaceListing.Apply(_entries.Keys.Select(key => key.Namespace).ToList(), query));
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryCandidate>> SearchCoreAsync(CandidateQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!query.UseKeyword && !query.UseVector)
        {
            lock (_gate)
            {
                var memories = _entries
                    .Where(pair => query.Search.NamespacePrefix.IsPrefixOf(pair.Key.Namespace))
                    .Select(pair => new StoredMemory(pair.Value.Decode(pair.Key, Options), null))
                    .ToList();
                return Task.FromResult(CandidateScan.Select(memories, query));
            }
        }

        return Task.FromResult(IndexedSearch.Select(_index, query, ids =>
        {
            lock (_gate)
            {
                return ids.Where(_keysById.ContainsKey).ToDictionary(id => id, id => _entries[_keysById[id]].Decode(_keysById[id], Options));
            }
        }));
    }

    /// <inheritdoc />
    protected override Task RecordAccessCoreAsync(IReadOnlyList<MemoryKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var key in keys)
            {
                if (Read(key) is { } item)
                {
                    var touched = item with { AccessCount = item.AccessCount + 1, LastAccessedAt = now };
                    _entries[key] = _entries[key] with { Body = MemoryItemCodec.Encode(touched, Options.Serializer) };
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryChange>> GetHistoryCoreAsync(MemoryKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<MemoryChange>>(_history.TryGetValue(key, out var rows)
                ? [.. rows.Select(row => MemoryChangeCodec.Decode(row.Body, key, row.Version, row.Kind, row.At, Options.Serializer))]
                : []);
        }
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<StoredMemory> ScanCoreAsync(
        MemoryScan scan, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<StoredMemory> matches;
        lock (_gate)
        {
            matches = [.. _entries
                .Select(pair => new StoredMemory(pair.Value.Decode(pair.Key, Options), pair.Value.Vector is { } vector ? vector.ToArray() : null))
                .Where(stored => scan.Matches(stored.Item))];
        }

        foreach (var stored in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return stored;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task<MemoryErasure> EraseSubjectCoreAsync(string subjectId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var doomed = _entries.Where(pair => pair.Value.Decode(pair.Key, Options).SubjectId == subjectId).ToList();
            foreach (var (key, entry) in doomed)
            {
                _ = _entries.Remove(key);
                _ = _keysById.Remove(entry.Id);
                _ = _index.Remove(entry.Id);
            }

            var historyRows = 0;
            foreach (var (key, rows) in _history.ToList())
            {
                historyRows += rows.RemoveAll(row => row.SubjectId == subjectId);
                if (rows.Count == 0)
                {
                    _ = _history.Remove(key);
                }
            }

            _ = _feed.RemoveAll(entry => entry.SubjectId == subjectId);
            if (doomed.Count + historyRows > 0)
            {
                _feed.Add(new FeedEntry(MemoryEvent.Erased(++_latestChangeId, Options.TimeProvider.GetUtcNow()), null));
                NotifyChangesCommitted();
            }

            return Task.FromResult(new MemoryErasure(subjectId, doomed.Count, historyRows, Scrubbed: true));
        }
    }

    /// <inheritdoc />
    protected override Task<int> CountCoreAsync(MemoryNamespace prefix, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_entries.Count(pair => prefix.IsPrefixOf(pair.Key.Namespace) && !(pair.Value.ExpiresAt <= now)));
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<MemoryItem>> RemoveCoreAsync(IReadOnlyList<MemoryRemoval> removals, DateTimeOffset now, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var removed = new List<MemoryItem>();
            foreach (var removal in removals)
            {
                if (Read(removal.Key) is { } item && item.Version == removal.Version)
                {
                    Remove(removal.Key, MemoryChange.Removal(item, removal.Kind, now, removal.Reason));
                    removed.Add(item);
                }
            }

            if (removed.Count > 0)
            {
                NotifyChangesCommitted();
            }

            return Task.FromResult<IReadOnlyList<MemoryItem>>(removed);
        }
    }

    /// <inheritdoc />
    /// <remarks>Vectors and subjects are kept in process memory as they are (nothing of them is sealed), so only bodies are re-sealed.</remarks>
    protected override Task<MemoryReencryptSummary> ReencryptCoreAsync(ReencryptTally tally, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var serializer = Options.Serializer;
        lock (_gate)
        {
            foreach (var (key, entry) in _entries.ToList())
            {
                var body = serializer.Reencrypt(entry.Body, MemoryItemCodec.Address(key.Namespace, key.Key), default);
                tally.Add(history: false, body is null ? Storage.BlobReencryption.AlreadyCurrent : Storage.BlobReencryption.Rewritten);
                if (body is not null)
                {
                    _entries[key] = entry with { Body = body };
                }
            }
        }

        tally.Report();
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            foreach (var (key, rows) in _history)
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    var body = serializer.Reencrypt(rows[i].Body, MemoryChangeCodec.Address(key.Namespace, key.Key), default);
                    tally.Add(history: true, body is null ? Storage.BlobReencryption.AlreadyCurrent : Storage.BlobReencryption.Rewritten);
                    if (body is not null)
                    {
                        rows[i] = rows[i] with { Body = body };
                    }
                }
            }
        }

        tally.Report();
        return Task.FromResult(tally.Summary());
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        if (MarkDisposed())
        {
            _index.Dispose();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private MemoryItem? Read(MemoryKey key) => _entries.TryGetValue(key, out var entry) ? entry.Decode(key, Options) : null;

    // Under the lock: the item leaves the entries and the index; its history gets the change.
    private void Remove(MemoryKey key, MemoryChange change)
    {
        if (_entries.Remove(key, out var removed))
        {
            _ = _keysById.Remove(removed.Id);
            _ = _index.Remove(removed.Id);
        }

        AddHistory(change);
    }

    private void AddHistory(MemoryChange change)
    {
        var key = new MemoryKey(change.Namespace, change.Key);
        if (!_history.TryGetValue(key, out var rows))
        {
            _history[key] = rows = [];
        }

        // Bytes, like the items: the texts enveloped (encrypted with a key), the columns without them.
        rows.Add(new StoredChange(change.Version, change.Kind, change.At, change.SubjectId, MemoryChangeCodec.Encode(change, Options.Serializer)));
        _feed.Add(new FeedEntry(MemoryEvent.Changed(++_latestChangeId, key, change.Version, change.Kind, change.At), change.SubjectId));
    }

    /// <inheritdoc />
    protected override Task<long> GetLatestChangeIdCoreAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_latestChangeId);
        }
    }

    /// <inheritdoc />
    protected override Task<MemoryChangePage> ReadChangesCoreAsync(MemoryNamespace namespacePrefix, long after, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var events = new List<MemoryEvent>();
            var start = FirstFeedIndexAfter(after);
            for (var i = start; i < _feed.Count; i++)
            {
                var change = _feed[i].Event;
                if (change.Namespace is null || namespacePrefix.IsPrefixOf(change.Namespace))
                {
                    events.Add(change);
                    if (events.Count == limit)
                    {
                        return Task.FromResult(new MemoryChangePage(events, change.ChangeId));
                    }
                }
            }

            return Task.FromResult(new MemoryChangePage(events, _latestChangeId));
        }
    }

    /// <inheritdoc />
    protected override Task WaitForChangesCoreAsync(long after, CancellationToken cancellationToken) => PollForChangesAsync(after, cancellationToken);

    // Under the lock: the index of the first feed entry with an id above after (ids ascend; erasure leaves holes).
    private int FirstFeedIndexAfter(long after)
    {
        int low = 0, high = _feed.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_feed[middle].Event.ChangeId <= after)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>One entry of the change feed, with the subject its erasure removes it by.</summary>
    private sealed record FeedEntry(MemoryEvent Event, string? SubjectId);

    /// <summary>One history row: the columns a database would keep, and the enveloped texts.</summary>
    private sealed record StoredChange(long Version, MemoryChangeKind Kind, DateTimeOffset At, string? SubjectId, byte[] Body);

    /// <summary>One stored item: its index id, its enveloped body and a copy of its vector (for lifecycle scans).</summary>
    private sealed record Entry(long Id, byte[] Body, float[]? Vector, DateTimeOffset? ExpiresAt)
    {
        public static Entry Of(long id, StoredMemory memory, MemoryStoreOptions options) =>
            new(id, MemoryItemCodec.Encode(memory.Item, options.Serializer), memory.Embedding?.ToArray(), memory.Item.ExpiresAt);

        public MemoryItem Decode(MemoryKey key, MemoryStoreOptions options) =>
            MemoryItemCodec.Decode(Body, key.Namespace, key.Key, options.Serializer);
    }
}
