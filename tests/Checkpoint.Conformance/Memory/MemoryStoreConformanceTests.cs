using Checkpoint.Memory;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>
/// The conformance suite every memory store passes. A store's test class inherits it and only
/// supplies <see cref="CreateStoreAsync"/>; each call must return a fresh, empty store using the
/// options given (the suite passes a fake clock, the <see cref="ConceptEmbeddingGenerator"/> and,
/// for encryption tests, a serializer with a key).
/// </summary>
public abstract partial class MemoryStoreConformanceTests : IAsyncLifetime
{
    private readonly List<MemoryStore> _stores = [];
    private MemoryStore? _store;

    /// <summary>The clock of <see cref="Store"/>; starts at 2026-01-01 UTC.</summary>
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>The embedding generator of <see cref="Store"/>.</summary>
    protected ConceptEmbeddingGenerator Embeddings { get; } = new();

    /// <summary>A fresh store with <see cref="Clock"/> and <see cref="Embeddings"/>.</summary>
    protected MemoryStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Creates a fresh, empty store for one test with these options (a new file, schema or folder).</summary>
    protected abstract Task<MemoryStore> CreateStoreAsync(MemoryStoreOptions options);

    /// <summary>False for a backend that stores plaintext by nature and refuses an encrypting serializer at construction.</summary>
    protected virtual bool SupportsEncryption => true;

    /// <summary>The options of <see cref="Store"/>: the fake clock and the concept generator.</summary>
    protected MemoryStoreOptions DefaultOptions => new() { TimeProvider = Clock, Embeddings = Embeddings };

    /// <summary>Another fresh store (disposed after the test).</summary>
    protected async Task<MemoryStore> NewStoreAsync(MemoryStoreOptions options)
    {
        var store = await CreateStoreAsync(options);
        _stores.Add(store);
        return store;
    }

    /// <summary>
    /// A second instance over the storage of <see cref="Store"/> (the same file, the same schema through its own
    /// connections, the same folder), as another process or replica would open it; null for a backend that has no
    /// storage to share (in memory). Disposed after the test.
    /// </summary>
    protected virtual Task<MemoryStore?> OpenSharedStoreAsync(MemoryStoreOptions options) => Task.FromResult<MemoryStore?>(null);

    /// <summary><see cref="OpenSharedStoreAsync"/>, registered for disposal.</summary>
    protected async Task<MemoryStore?> SharedStoreAsync(MemoryStoreOptions options)
    {
        var store = await OpenSharedStoreAsync(options);
        if (store is not null)
        {
            _stores.Add(store);
        }

        return store;
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => _store = await NewStoreAsync(DefaultOptions);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>A namespace from a path such as "users/42/facts".</summary>
    protected static MemoryNamespace Ns(string path) => MemoryNamespace.Parse(path);

    /// <summary>A write of <paramref name="content"/> at path/key.</summary>
    protected static MemoryWrite Write(string path, string key, string content) => new() { Namespace = Ns(path), Key = key, Content = content };

    /// <summary>Puts writes into <see cref="Store"/>.</summary>
    protected Task<IReadOnlyList<MemoryItem>> PutAsync(params MemoryWrite[] writes) => Store.PutManyAsync(writes);

    /// <summary>Searches <see cref="Store"/> and returns the keys of the hits, in order.</summary>
    protected async Task<List<string>> KeysAsync(MemorySearch search) => (await Store.SearchAsync(search)).Select(hit => hit.Item.Key).ToList();

    /// <summary>A search under <paramref name="prefix"/> for <paramref name="query"/>.</summary>
    protected static MemorySearch Search(string prefix, string? query = null, SearchMode mode = SearchMode.Hybrid, int limit = 10) =>
        new() { NamespacePrefix = Ns(prefix), Query = query, Mode = mode, Limit = limit };
}
