namespace Checkpoint.Memory.Markdown;

/// <summary>Settings of <see cref="MarkdownMemoryStore"/> beyond the shared <see cref="MemoryStoreOptions"/>.</summary>
public sealed record MarkdownMemoryStoreOptions
{
    /// <summary>The key whose item is a namespace's <c>SOUL.md</c> (identity, persona): the whole file body is its content.</summary>
    public string SoulKey { get; init; } = "soul";

    /// <summary>How long a write waits for the root's lock file (<c>.memory.lock</c>) before it fails with a <see cref="TimeoutException"/> naming the file.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Identifies the embedding model in the embedding cache (<c>.memory/embeddings.bin</c>), so vectors of
    /// another model are never reused. Null: the generator's metadata (provider, model id, dimensions), else its type name.
    /// </summary>
    public string? EmbeddingModelId { get; init; }
}
