namespace Checkpoint.Memory.Markdown;

/// <summary>
/// A memory store in markdown files that people can read and edit (see docs/memory.md, "Markdown
/// files"). Each namespace is a folder under the root (labels escaped by <see cref="FolderNames"/>)
/// holding <c>SOUL.md</c> (the item with <see cref="MarkdownMemoryStoreOptions.SoulKey"/>),
/// <c>MEMORY.md</c> (long-term and semantic items, one bullet each) and <c>memory/YYYY-MM-DD.md</c>
/// (episodic items by creation day, UTC). Each bullet ends with an HTML comment carrying its key,
/// version and the fields markdown does not show. Edits by people and writes by other processes are
/// picked up before each operation (changed files are re-parsed, by content hash). Writes hold the
/// root's lock file and replace files atomically. Every change, people's edits included once noticed, is a line of
/// <c>.memory/history.jsonl</c> with a change id: the change feed (<see cref="MemoryStore.WatchAsync"/>), woken by a
/// file watcher on the root. Plaintext by nature: an encrypting serializer is refused.
/// Thread-safe: operations of one instance run one at a time.
/// </summary>
public sealed partial class MarkdownMemoryStore : MemoryStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly MarkdownIndex _index;
    private readonly EmbeddingCache _embeddings;
    private readonly AccessLog _access;
    private readonly HistoryLog _history;
    private readonly string _lockPath;
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<MemoryItem, float[]> _itemVectors = [];
    private int _dimensions;

    /// <summary>Opens (creating it if needed) the memory in <paramref name="rootDirectory"/>.</summary>
    /// <param name="rootDirectory">The root folder: one sub-folder per namespace, plus <c>.memory.lock</c> and <c>.memory/</c>.</param>
    /// <param name="options">The shared store settings; the serializer must not encrypt.</param>
    /// <param name="markdownOptions">Markdown specifics; null for the defaults.</param>
    public MarkdownMemoryStore(string rootDirectory, MemoryStoreOptions? options = null, MarkdownMemoryStoreOptions? markdownOptions = null)
        : base(options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        if (Options.Serializer.Encrypts)
        {
            throw new ArgumentException(
                "The markdown memory store keeps memories as plaintext files people read and edit, so it cannot encrypt them: use a serializer without an EncryptionKey, or the SQLite / in-memory store for encrypted memory.",
                nameof(options));
        }

        MarkdownOptions = markdownOptions ?? new MarkdownMemoryStoreOptions();
        if (string.IsNullOrEmpty(MarkdownOptions.SoulKey) || MarkdownOptions.SoulKey.Any(char.IsControl))
        {
            throw new ArgumentException("MarkdownMemoryStoreOptions.SoulKey must be non-empty, without control characters.", nameof(markdownOptions));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MarkdownOptions.LockTimeout, TimeSpan.Zero, nameof(markdownOptions));
        RootDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _ = Directory.CreateDirectory(RootDirectory);
        _dimensions = Options.Dimensions ?? 0;
        _index = new MarkdownIndex(RootDirectory, MarkdownOptions.SoulKey);
        var side = Path.Combine(RootDirectory, MarkdownPaths.SideFolder);
        _embeddings = new EmbeddingCache(Path.Combine(side, "embeddings.bin"), ModelId());
        _access = new AccessLog(Path.Combine(side, "access.bin"));
        _history = new HistoryLog(Path.Combine(side, "history.jsonl"));
        _lockPath = Path.Combine(RootDirectory, MarkdownPaths.LockFile);
    }

    /// <summary>The root folder (full path).</summary>
    public string RootDirectory { get; }

    /// <summary>The markdown specifics.</summary>
    public MarkdownMemoryStoreOptions MarkdownOptions { get; }

    /// <inheritdoc />
    protected override async Task<MemoryItem?> GetCoreAsync(MemoryNamespace memoryNamespace, string key, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var folder = _index.Refresh(memoryNamespace);
            _access.Refresh();
            return folder.Items.TryGetValue(key, out var located) ? _access.Apply(located.Item) : null;
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryNamespace>> ListNamespacesCoreAsync(NamespaceQuery query, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return NamespaceListing.Apply(_index.RefreshUnder(query.Prefix).Select(folder => folder.Namespace), query);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<MemoryCandidate>> SearchCoreAsync(CandidateQuery query, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var items = _index.RefreshUnder(query.Search.NamespacePrefix).SelectMany(folder => folder.Items.Values).Select(located => located.Item).ToList();
            _access.Refresh();
            var vectors = query.UseVector ? await VectorsAsync(items, cancellationToken).ConfigureAwait(false) : new float[]?[items.Count];
            var memories = items.Select((item, i) => new StoredMemory(_access.Apply(item), vectors[i] is { } v ? new ReadOnlyMemory<float>(v) : null));
            return CandidateScan.Select(memories, query);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task RecordAccessCoreAsync(IReadOnlyList<MemoryKey> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var held = await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false);
            _access.Refresh();
            var items = new List<MemoryItem>();
            foreach (var group in keys.GroupBy(key => key.Namespace))
            {
                var folder = _index.Refresh(group.Key);
                items.AddRange(group.Select(key => folder.Items.GetValueOrDefault(key.Key)?.Item).OfType<MemoryItem>());
            }

            _access.Record(items, now);
        }
        finally
        {
            _ = _gate.Release();
        }
    }

    /// <summary>The text embedded for an item: <see cref="MemoryStoreOptions.EmbeddedText"/> of the write that would store it.</summary>
    private string EmbeddedText(MemoryItem item) => Options.EmbeddedText(new MemoryWrite
    {
        Namespace = item.Namespace,
        Key = item.Key,
        Kind = item.Kind,
        Content = item.Content,
        Value = item.Value,
        Metadata = item.Metadata,
        Entities = item.Entities,
        Importance = item.Importance,
        ExpiresAt = item.ExpiresAt,
        SubjectId = item.SubjectId,
    });
}
