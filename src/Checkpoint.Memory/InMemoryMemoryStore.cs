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
    private long _nextId;

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
            }

            // One index update: a concurrent search sees the old item or the new one, never neither.
            _index.Update(replacedIds, indexed);
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
            if (!_entries.Remove(new MemoryKey(memoryNamespace, key), out var removed))
            {
                return Task.FromResult(false);
            }

            _ = _keysById.Remove(removed.Id);
            _ = _index.Remove(removed.Id);
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
    public override async ValueTask DisposeAsync()
    {
        if (MarkDisposed())
        {
            _index.Dispose();
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }

    private MemoryItem? Read(MemoryKey key) => _entries.TryGetValue(key, out var entry) ? entry.Decode(key, Options) : null;

    /// <summary>One stored item: its index id and its enveloped body (the index holds a copy of the vector).</summary>
    private sealed record Entry(long Id, byte[] Body)
    {
        public static Entry Of(long id, StoredMemory memory, MemoryStoreOptions options) =>
            new(id, MemoryItemCodec.Encode(memory.Item, options.Serializer));

        public MemoryItem Decode(MemoryKey key, MemoryStoreOptions options) =>
            MemoryItemCodec.Decode(Body, key.Namespace, key.Key, options.Serializer);
    }
}
