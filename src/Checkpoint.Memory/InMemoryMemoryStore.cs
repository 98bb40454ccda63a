namespace Checkpoint.Memory;

/// <summary>
/// A memory store in process memory, for tests and ephemeral agents. Like every store it keeps bytes
/// only (each item's enveloped body, encrypted when the serializer has a key, and a copy of its
/// vector), never the objects it was given. Thread-safe: every operation runs under one lock, so
/// <see cref="MemoryStore.PutManyAsync"/> is atomic. Search scans every item (<see cref="CandidateScan"/>).
/// </summary>
public sealed class InMemoryMemoryStore : MemoryStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<MemoryKey, Entry> _entries = [];

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
            foreach (var memory in resolved)
            {
                _entries[new MemoryKey(memory.Item.Namespace, memory.Item.Key)] = Entry.Of(memory, Options);
            }

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
            return Task.FromResult(_entries.Remove(new MemoryKey(memoryNamespace, key)));
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
        List<StoredMemory> memories;
        lock (_gate)
        {
            memories = _entries
                .Where(pair => query.Search.NamespacePrefix.IsPrefixOf(pair.Key.Namespace))
                .Select(pair => new StoredMemory(pair.Value.Decode(pair.Key, Options), pair.Value.Embedding))
                .ToList();
        }

        return Task.FromResult(CandidateScan.Select(memories, query));
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
                    _entries[key] = Entry.Of(new StoredMemory(touched, _entries[key].Embedding), Options);
                }
            }
        }

        return Task.CompletedTask;
    }

    private MemoryItem? Read(MemoryKey key) => _entries.TryGetValue(key, out var entry) ? entry.Decode(key, Options) : null;

    private sealed record Entry(byte[] Body, ReadOnlyMemory<float>? Embedding)
    {
        public static Entry Of(StoredMemory memory, MemoryStoreOptions options) =>
            new(MemoryItemCodec.Encode(memory.Item, options.Serializer), memory.Embedding is { } vector ? new ReadOnlyMemory<float>(vector.ToArray()) : (ReadOnlyMemory<float>?)null);

        public MemoryItem Decode(MemoryKey key, MemoryStoreOptions options) =>
            MemoryItemCodec.Decode(Body, key.Namespace, key.Key, options.Serializer);
    }
}
