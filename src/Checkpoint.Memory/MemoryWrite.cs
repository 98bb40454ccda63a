using Checkpoint.Serialization;

namespace Checkpoint.Memory;

/// <summary>What a caller puts into a <see cref="MemoryStore"/>: a new memory, or a new version of one.</summary>
public sealed record MemoryWrite
{
    /// <summary>Where it lives.</summary>
    public required MemoryNamespace Namespace { get; init; }

    /// <summary>Its key within <see cref="Namespace"/> (non-empty, no control characters, at most <see cref="MemoryStoreOptions.MaxKeyLength"/>).</summary>
    public required string Key { get; init; }

    /// <summary>What kind of memory it is.</summary>
    public MemoryKind Kind { get; init; } = MemoryKind.LongTerm;

    /// <summary>The text (at most <see cref="MemoryStoreOptions.MaxContentChars"/>).</summary>
    public required string Content { get; init; }

    /// <summary>MessagePack bytes of an optional typed value; set it with <see cref="WithValue{T}"/>.</summary>
    public ReadOnlyMemory<byte>? Value { get; init; }

    /// <summary>Scalar metadata: strings, booleans, integers (stored as <see cref="long"/>) and floating-point numbers (stored as <see cref="double"/>).</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; init; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Names of the entities this memory is about.</summary>
    public IReadOnlyList<string> Entities { get; init; } = [];

    /// <summary>How much it matters, 0..1.</summary>
    public double Importance { get; init; } = 0.5;

    /// <summary>How long it lives from this write; set this or <see cref="ExpiresAt"/>, not both.</summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>When it stops being returned; set this or <see cref="TimeToLive"/>, not both.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whose data it is (the unit of erasure).</summary>
    public string? SubjectId { get; init; }

    /// <summary>
    /// Optimistic concurrency: null writes unconditionally; 0 requires that the key does not exist;
    /// n requires that it is at version n. Otherwise the put throws <see cref="MemoryConflictException"/>.
    /// </summary>
    public long? ExpectedVersion { get; init; }

    /// <summary>A copy carrying <paramref name="value"/> as its typed value (MessagePack, like checkpoint state).</summary>
    public MemoryWrite WithValue<T>(T value) => this with { Value = CheckpointSerializer.Default.ToPayload(value) };
}
