using Checkpoint.Serialization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Checkpoint.Memory;

/// <summary>Settings shared by every <see cref="MemoryStore"/>.</summary>
public sealed record MemoryStoreOptions
{
    /// <summary>
    /// Makes the vectors of contents and queries. Null: search ranks by keyword, recency and
    /// importance only, and <see cref="SearchMode.Vector"/> is refused.
    /// </summary>
    public IEmbeddingGenerator<string, Embedding<float>>? Embeddings { get; init; }

    /// <summary>The size of every vector; null takes the first vector's size. A vector of another size is an error naming both sizes.</summary>
    public int? Dimensions { get; init; }

    /// <summary>The text of a write that is embedded; by default its content.</summary>
    public Func<MemoryWrite, string> EmbeddedText { get; init; } = static write => write.Content;

    /// <summary>The clock for item times, expiry and recency.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How searches rank.</summary>
    public RankingOptions Ranking { get; init; } = new();

    /// <summary>The longest content, in characters.</summary>
    public int MaxContentChars { get; init; } = 32_768;

    /// <summary>The largest typed value, in MessagePack bytes.</summary>
    public int MaxValueBytes { get; init; } = 1 << 20;

    /// <summary>The longest key, in characters.</summary>
    public int MaxKeyLength { get; init; } = 512;

    /// <summary>
    /// Makes the stored bytes of items (MessagePack + LZ4 in the checkpoint envelope; AES-GCM when it
    /// has a key, bound to the item's namespace and key).
    /// </summary>
    public CheckpointSerializer Serializer { get; init; } = CheckpointSerializer.Default;

    /// <summary>
    /// Default time to live per kind, for writes that set neither <see cref="MemoryWrite.TimeToLive"/> nor
    /// <see cref="MemoryWrite.ExpiresAt"/> (for example episodic memories for 90 days). Empty by default:
    /// nothing expires unless a write says so.
    /// </summary>
    public IReadOnlyDictionary<MemoryKind, TimeSpan> TimeToLive { get; init; } = new Dictionary<MemoryKind, TimeSpan>();

    /// <summary>
    /// Capacity limits per namespace group (per user, per agent); on overflow the least relevant items are
    /// evicted after the put that overflowed, and reported. Empty by default.
    /// </summary>
    public IReadOnlyList<CapacityLimit> Capacity { get; init; } = [];

    /// <summary>Deduplication on write (off by default) and the near-duplicate threshold of <see cref="MemoryStore.DeduplicateAsync"/>.</summary>
    public DeduplicationOptions Deduplication { get; init; } = new();

    /// <summary>Where the store reports lifecycle events (evictions); none by default.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// How often a watcher (<see cref="MemoryStore.WatchAsync"/>) of a backend that polls checks for changes committed by
    /// other instances or processes (SQLite, markdown; PostgreSQL only as a fallback to LISTEN/NOTIFY). Changes made
    /// through the same instance wake its watchers at once.
    /// </summary>
    public TimeSpan ChangePollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>When true, every item a search returns gets its <see cref="MemoryItem.AccessCount"/> and <see cref="MemoryItem.LastAccessedAt"/> updated.</summary>
    public bool RecordAccess { get; init; } = true;
}
