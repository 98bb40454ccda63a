namespace Checkpoint.Memory;

/// <summary>
/// A namespaced long-term memory shared across threads, shaped like <c>CheckpointSaver</c>: the
/// public methods check their arguments here, once for every backend, compute embeddings, and call
/// the protected <c>…CoreAsync</c> methods a backend implements; ranking is done here too
/// (<see cref="HybridRanker"/>), so every backend ranks alike. Every backend passes the shared
/// conformance suite (tests/Checkpoint.Conformance/Memory).
/// </summary>
public abstract partial class MemoryStore : IAsyncDisposable
{
    private int _disposed;
    private int _dimensions;

    /// <summary>Creates a store with <paramref name="options"/> (null for the defaults).</summary>
    protected MemoryStore(MemoryStoreOptions? options = null)
    {
        Options = options ?? new MemoryStoreOptions();
        ValidateOptions(Options);
        _dimensions = Options.Dimensions ?? 0;
    }

    /// <summary>The store's settings.</summary>
    public MemoryStoreOptions Options { get; }

    /// <summary>
    /// Writes one memory (a new key, or a new version of one) and returns it as stored. Throws
    /// <see cref="MemoryConflictException"/> when <see cref="MemoryWrite.ExpectedVersion"/> does not match.
    /// </summary>
    public async Task<MemoryItem> PutAsync(MemoryWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var stored = await PutManyAsync([write], cancellationToken).ConfigureAwait(false);
        return stored[0];
    }

    /// <summary>
    /// Writes several memories (distinct keys) with one embedding call, and returns them as stored,
    /// in order. Atomic where the backend has transactions (in memory, SQLite, PostgreSQL: a conflict
    /// on any write stores none of them); see each backend's documentation.
    /// </summary>
    public async Task<IReadOnlyList<MemoryItem>> PutManyAsync(IReadOnlyList<MemoryWrite> writes, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(writes);
        var keys = new HashSet<MemoryKey>();
        foreach (var write in writes)
        {
            ValidateWrite(write);
            if (!keys.Add(new MemoryKey(write.Namespace, write.Key)))
            {
                throw new ArgumentException($"Memory '{write.Namespace}' key '{write.Key}' is written twice in one batch.", nameof(writes));
            }
        }

        if (writes.Count == 0)
        {
            return [];
        }

        var vectors = await EmbedAsync(writes.Select(Options.EmbeddedText).ToList(), cancellationToken).ConfigureAwait(false);
        var now = Options.TimeProvider.GetUtcNow();
        var puts = writes.Select((write, i) => new MemoryPut(NewItem(write, now), vectors?[i], write.ExpectedVersion)).ToList();
        puts = await DeduplicateWritesAsync(puts, now, cancellationToken).ConfigureAwait(false);
        var stored = await PutCoreAsync(puts, cancellationToken).ConfigureAwait(false);
        await EnforceAfterPutAsync(stored, cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>The memory at <paramref name="memoryNamespace"/> and <paramref name="key"/>; null when there is none or it has expired.</summary>
    public async Task<MemoryItem?> GetAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ValidateKey(key);
        var item = await GetCoreAsync(memoryNamespace, key, cancellationToken).ConfigureAwait(false);
        return item is null || item.IsExpiredAt(Options.TimeProvider.GetUtcNow()) ? null : item;
    }

    /// <summary>Deletes a memory; true when it existed.</summary>
    public Task<bool> DeleteAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ValidateKey(key);
        return DeleteCoreAsync(memoryNamespace, key, cancellationToken);
    }

    /// <summary>The namespaces that hold items, filtered, cut and paged as <paramref name="query"/> says.</summary>
    public Task<IReadOnlyList<MemoryNamespace>> ListNamespacesAsync(NamespaceQuery query, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        if (query.MaxDepth is { } depth)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(depth, nameof(query));
        }

        return ListNamespacesCoreAsync(query, cancellationToken);
    }

    /// <summary>
    /// Memories under <see cref="MemorySearch.NamespacePrefix"/> that pass every filter, ranked for the
    /// query (see <see cref="HybridRanker"/>) or newest first without one, then paged. Each hit carries
    /// its score parts. With <see cref="MemoryStoreOptions.RecordAccess"/>, returned items count as accessed.
    /// </summary>
    public async Task<IReadOnlyList<MemoryHit>> SearchAsync(MemorySearch search, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        search = ValidateSearch(search);
        var useVector = search.HasQuery && search.Mode != SearchMode.Keyword && Options.Embeddings is not null;
        var useKeyword = search.HasQuery && search.Mode != SearchMode.Vector;
        var queryVector = useVector
            ? (await EmbedAsync([search.Query!], cancellationToken).ConfigureAwait(false))![0]
            : (ReadOnlyMemory<float>?)null;
        var now = Options.TimeProvider.GetUtcNow();
        var query = new CandidateQuery(
            search, queryVector, useKeyword, useVector, Math.Max(Options.Ranking.CandidatePoolSize, search.Offset + search.Limit), now);

        var candidates = await SearchCoreAsync(query, cancellationToken).ConfigureAwait(false);
        var ranked = HybridRanker.Rank(candidates, useVector, useKeyword, Options.Ranking, now, search.Query);
        IEnumerable<MemoryHit> ordered = search.HasQuery ? ranked : ranked.Order(Comparer<MemoryHit>.Create((a, b) => HybridRanker.NewestFirst(a.Item, b.Item)));
        var page = ordered.Skip(search.Offset).Take(search.Limit).ToList();
        if (!Options.RecordAccess || page.Count == 0)
        {
            return page;
        }

        await RecordAccessCoreAsync(page.Select(hit => new MemoryKey(hit.Item.Namespace, hit.Item.Key)).ToList(), now, cancellationToken)
            .ConfigureAwait(false);
        return page.Select(hit => hit with { Item = hit.Item with { AccessCount = hit.Item.AccessCount + 1, LastAccessedAt = now } }).ToList();
    }

    /// <summary>
    /// The changes of the memory at <paramref name="memoryNamespace"/> and <paramref name="key"/>, oldest
    /// first: adds, updates, deletes, merges, evictions and expiries, with the text before and after.
    /// The history outlives the item (a deleted item's history can still be read) until its subject is erased.
    /// </summary>
    public Task<IReadOnlyList<MemoryChange>> GetHistoryAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ValidateKey(key);
        return GetHistoryCoreAsync(new MemoryKey(memoryNamespace, key), cancellationToken);
    }

    /// <summary>
    /// Removes every item whose expiry has passed (they are already invisible to get and search) and
    /// records an <see cref="MemoryChangeKind.Expire"/> row in each one's history. Returns the removed
    /// items. Hosted apps run it on a timer (the memory sweeper); others call it when they like.
    /// </summary>
    public async Task<IReadOnlyList<MemoryItem>> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var now = Options.TimeProvider.GetUtcNow();
        var removals = new List<MemoryRemoval>();
        await foreach (var stored in ScanCoreAsync(new MemoryScan { ExpiredBy = now }, cancellationToken).ConfigureAwait(false))
        {
            removals.Add(new MemoryRemoval(new MemoryKey(stored.Item.Namespace, stored.Item.Key), stored.Item.Version, MemoryChangeKind.Expire));
        }

        return removals.Count == 0 ? [] : await RemoveCoreAsync(removals, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Erases everything this store holds about a subject (a person): every item whose
    /// <see cref="MemoryItem.SubjectId"/> is <paramref name="subjectId"/> with its vector and keyword-index
    /// entries, and every history row of the subject (old texts included), leaving no history row of the
    /// erasure itself. Backends then remove the freed bytes from their files unless told to defer it (see
    /// <see cref="MemoryErasure.Scrubbed"/>). Other subjects' data stays intact.
    /// </summary>
    public Task<MemoryErasure> EraseSubjectAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(subjectId);
        return EraseSubjectCoreAsync(subjectId, cancellationToken);
    }

    /// <summary>
    /// Marks the store disposed: every later call throws <see cref="ObjectDisposedException"/>.
    /// Stores that own connections override this, call <see cref="MarkDisposed"/> first and close them.
    /// </summary>
    public virtual ValueTask DisposeAsync()
    {
        _ = MarkDisposed();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>True once the store is disposed.</summary>
    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Marks the store disposed; true the first time (the caller then releases its resources).</summary>
    protected bool MarkDisposed()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        EndWatchers();
        return true;
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming the store type when it is disposed.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>
    /// Implements <see cref="PutManyAsync"/>: for each put, in one transaction where possible, read the
    /// stored item, call <see cref="MemoryPut.Resolve"/> (which checks the expected version), store the
    /// result, and return the stored items in order. Puts are checked, have distinct keys and carry their vectors.
    /// </summary>
    protected abstract Task<IReadOnlyList<MemoryItem>> PutCoreAsync(IReadOnlyList<MemoryPut> puts, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="GetAsync"/> (the store hides expired items); arguments are checked.</summary>
    protected abstract Task<MemoryItem?> GetCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="DeleteAsync(MemoryNamespace, string, CancellationToken)"/>; arguments are checked.</summary>
    protected abstract Task<bool> DeleteCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="ListNamespacesAsync"/> (see <see cref="NamespaceQuery"/>; <see cref="NamespaceListing.Apply"/> does it over a list); the query is checked.</summary>
    protected abstract Task<IReadOnlyList<MemoryNamespace>> ListNamespacesCoreAsync(NamespaceQuery query, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="SearchAsync"/>: returns the candidates described by <see cref="CandidateQuery"/>, in any order.</summary>
    protected abstract Task<IReadOnlyList<MemoryCandidate>> SearchCoreAsync(CandidateQuery query, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="EraseSubjectAsync"/>; the subject id is checked.</summary>
    protected abstract Task<MemoryErasure> EraseSubjectCoreAsync(string subjectId, CancellationToken cancellationToken);

    /// <summary>Implements <see cref="GetHistoryAsync"/>: the item's history rows, oldest first.</summary>
    protected abstract Task<IReadOnlyList<MemoryChange>> GetHistoryCoreAsync(MemoryKey key, CancellationToken cancellationToken);

    /// <summary>Every stored item (expired ones included) that passes <see cref="MemoryScan.Matches"/>, in any order.</summary>
    protected abstract IAsyncEnumerable<StoredMemory> ScanCoreAsync(MemoryScan scan, CancellationToken cancellationToken);

    /// <summary>
    /// Removes each item that still has the removal's version, recording <see cref="MemoryChange.Removal"/>
    /// in its history at <paramref name="now"/>, in one transaction where possible; returns the removed items.
    /// </summary>
    protected abstract Task<IReadOnlyList<MemoryItem>> RemoveCoreAsync(IReadOnlyList<MemoryRemoval> removals, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Adds 1 to the access count of each item and sets its last access to <paramref name="now"/>, leaving its version and update time alone. Missing keys are skipped.</summary>
    protected abstract Task RecordAccessCoreAsync(IReadOnlyList<MemoryKey> keys, DateTimeOffset now, CancellationToken cancellationToken);
}
