using Checkpoint.Serialization;

namespace Checkpoint.Memory;

/// <summary>A stored memory, as a <see cref="MemoryStore"/> returns it.</summary>
public sealed record MemoryItem
{
    /// <summary>Where it lives.</summary>
    public required MemoryNamespace Namespace { get; init; }

    /// <summary>Its key, unique within <see cref="Namespace"/>.</summary>
    public required string Key { get; init; }

    /// <summary>What kind of memory it is.</summary>
    public MemoryKind Kind { get; init; }

    /// <summary>The text: what is embedded and keyword-searched.</summary>
    public required string Content { get; init; }

    /// <summary>The MessagePack bytes of the optional typed value (read with <see cref="GetValue{T}"/>); null when there is none.</summary>
    public ReadOnlyMemory<byte>? Value { get; init; }

    /// <summary>Scalar metadata: each value a <see cref="string"/>, <see cref="long"/>, <see cref="double"/> or <see cref="bool"/>.</summary>
    public IReadOnlyDictionary<string, object> Metadata { get; init; } = new Dictionary<string, object>(StringComparer.Ordinal);

    /// <summary>Names of the entities this memory is about (a search filter: "everything about Alice").</summary>
    public IReadOnlyList<string> Entities { get; init; } = [];

    /// <summary>When the key was first written.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the key was last written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When a search last returned it (its write time until then).</summary>
    public DateTimeOffset LastAccessedAt { get; init; }

    /// <summary>How much it matters, 0..1.</summary>
    public double Importance { get; init; }

    /// <summary>How many times a search has returned it.</summary>
    public long AccessCount { get; init; }

    /// <summary>When it stops being returned; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Whose data it is (the unit of erasure); null when it belongs to nobody in particular.</summary>
    public string? SubjectId { get; init; }

    /// <summary>1 when created, +1 on each write: the etag a write passes as <see cref="MemoryWrite.ExpectedVersion"/>.</summary>
    public long Version { get; init; }

    /// <summary>True when the item has expired at <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;

    /// <summary>The typed value read as <typeparamref name="T"/>; default when the item has no value.</summary>
    public T? GetValue<T>() =>
        Value is { } bytes
            ? CheckpointSerializer.Default.FromPayload<T>(bytes, new BlobLocation(null, null, $"memory {Namespace}:{Key}"))
            : default;
}
