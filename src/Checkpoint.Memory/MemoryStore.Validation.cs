using Microsoft.Extensions.AI;

namespace Checkpoint.Memory;

public abstract partial class MemoryStore
{
    /// <summary>The most hits one search returns.</summary>
    public const int MaxSearchLimit = 1000;

    private static void ValidateOptions(MemoryStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options));
        ArgumentNullException.ThrowIfNull(options.Serializer, nameof(options));
        ArgumentNullException.ThrowIfNull(options.EmbeddedText, nameof(options));
        var ranking = options.Ranking ?? throw new ArgumentNullException(nameof(options), "Ranking options are required.");
        if (new[] { ranking.VectorWeight, ranking.KeywordWeight, ranking.RecencyWeight, ranking.ImportanceWeight, ranking.CodeKeywordWeight ?? 0 }
            .Any(w => !(w >= 0) || double.IsInfinity(w)))
        {
            throw new ArgumentException("Ranking weights must be finite and not negative.", nameof(options));
        }

        if (ranking.KeywordSaturation is { } saturation && (!(saturation > 0) || double.IsInfinity(saturation)))
        {
            throw new ArgumentException($"KeywordSaturation must be null or finite and positive, not {saturation}.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ranking.CandidatePoolSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(ranking.ReciprocalRankK, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxContentChars, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ChangePollInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxValueBytes, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxKeyLength, nameof(options));
        if (options.Dimensions is { } dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions, nameof(options));
        }
    }

    private void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0 || key.Length > Options.MaxKeyLength || key.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"Memory key '{MemoryNamespace.Printable(key)}' must have 1 to {Options.MaxKeyLength} characters and no control characters.", nameof(key));
        }
    }

    private void ValidateWrite(MemoryWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(write.Namespace, nameof(write));
        ValidateKey(write.Key);
        var name = $"Memory '{write.Namespace}' key '{write.Key}'";
        ArgumentNullException.ThrowIfNull(write.Content, nameof(write));
        if (write.Content.Length > Options.MaxContentChars)
        {
            throw new ArgumentException($"{name}: content has {write.Content.Length} characters, over the limit of {Options.MaxContentChars} (MaxContentChars).", nameof(write));
        }

        if (write.Value is { Length: var size } && size > Options.MaxValueBytes)
        {
            throw new ArgumentException($"{name}: value has {size} bytes, over the limit of {Options.MaxValueBytes} (MaxValueBytes).", nameof(write));
        }

        if (!Enum.IsDefined(write.Kind))
        {
            throw new ArgumentOutOfRangeException(nameof(write), write.Kind, $"{name}: unknown memory kind.");
        }

        if (!(write.Importance is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(write), write.Importance, $"{name}: importance must be between 0 and 1.");
        }

        if (write.TimeToLive is { } ttl && (ttl <= TimeSpan.Zero || write.ExpiresAt is not null))
        {
            throw new ArgumentException($"{name}: TimeToLive must be positive and not set together with ExpiresAt.", nameof(write));
        }

        if (write.ExpectedVersion is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(write), write.ExpectedVersion, $"{name}: ExpectedVersion is 0 (must not exist) or a stored version.");
        }

        ArgumentNullException.ThrowIfNull(write.Metadata, nameof(write));
        foreach (var (key, value) in write.Metadata)
        {
            ArgumentException.ThrowIfNullOrEmpty(key, nameof(write));
            _ = MetadataValues.Normalize(key, value);
        }

        ArgumentNullException.ThrowIfNull(write.Entities, nameof(write));
        if (write.Entities.Any(string.IsNullOrWhiteSpace) || write.Entities.Any(e => e.Any(char.IsControl)))
        {
            throw new ArgumentException($"{name}: entity names must be non-blank, without control characters.", nameof(write));
        }

        if (write.SubjectId is { } subject && (subject.Length == 0 || subject.Any(char.IsControl)))
        {
            throw new ArgumentException($"{name}: SubjectId must be non-empty, without control characters.", nameof(write));
        }
    }

    private MemorySearch ValidateSearch(MemorySearch search)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(search.NamespacePrefix, nameof(search));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(search.Limit, nameof(search));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(search.Limit, MaxSearchLimit, nameof(search));
        ArgumentOutOfRangeException.ThrowIfNegative(search.Offset, nameof(search));
        if (!Enum.IsDefined(search.Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(search), search.Mode, "Unknown search mode.");
        }

        if (search.Mode == SearchMode.Vector && Options.Embeddings is null)
        {
            throw new InvalidOperationException(
                "SearchMode.Vector needs an embedding generator: set MemoryStoreOptions.Embeddings, or search in Hybrid or Keyword mode.");
        }

        ArgumentNullException.ThrowIfNull(search.Kinds, nameof(search));
        foreach (var kind in search.Kinds)
        {
            if (!Enum.IsDefined(kind))
            {
                throw new ArgumentOutOfRangeException(nameof(search), kind, "Unknown memory kind in MemorySearch.Kinds.");
            }
        }

        ArgumentNullException.ThrowIfNull(search.Metadata, nameof(search));
        return search with
        {
            Kinds = search.Kinds.Distinct().ToArray(),
            Metadata = search.Metadata.Select(MetadataValues.Normalize).ToArray(),
        };
    }

    private MemoryItem NewItem(MemoryWrite write, DateTimeOffset now) => new()
    {
        Namespace = write.Namespace,
        Key = write.Key,
        Kind = write.Kind,
        Content = write.Content,
        Value = write.Value is { } value ? new ReadOnlyMemory<byte>(value.ToArray()) : (ReadOnlyMemory<byte>?)null,
        Metadata = write.Metadata.ToDictionary(pair => pair.Key, pair => MetadataValues.Normalize(pair.Key, pair.Value), StringComparer.Ordinal),
        Entities = [.. write.Entities],
        CreatedAt = now,
        UpdatedAt = now,
        LastAccessedAt = now,
        Importance = write.Importance,
        ExpiresAt = write.ExpiresAt ?? (TimeToLiveOf(write) is { } ttl ? now + ttl : null),
        SubjectId = write.SubjectId,
        Version = 1,
    };

    // The write's own time to live, else its kind's default, else none.
    private TimeSpan? TimeToLiveOf(MemoryWrite write) =>
        write.TimeToLive ?? (Options.TimeToLive.TryGetValue(write.Kind, out var byKind) && byKind > TimeSpan.Zero ? byKind : null);

    // One generator call for all texts; null without a generator. Checks count and size of every vector.
    private async Task<ReadOnlyMemory<float>?[]?> EmbedAsync(List<string> texts, CancellationToken cancellationToken)
    {
        if (Options.Embeddings is not { } generator)
        {
            return null;
        }

        var embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {texts.Count} texts.");
        }

        var vectors = new ReadOnlyMemory<float>?[texts.Count];
        for (var i = 0; i < vectors.Length; i++)
        {
            var vector = embeddings[i].Vector;
            var expected = Interlocked.CompareExchange(ref _dimensions, vector.Length, 0) is var known and not 0 ? known : vector.Length;
            if (vector.Length != expected || vector.Length == 0)
            {
                throw new InvalidOperationException(
                    $"The embedding generator returned a vector of {vector.Length} dimensions; this store expects {expected} (MemoryStoreOptions.Dimensions).");
            }

            vectors[i] = vector.ToArray();
        }

        return vectors;
    }
}
