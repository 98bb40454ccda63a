using Microsoft.Extensions.AI;

namespace Checkpoint.Memory.Markdown;

public sealed partial class MarkdownMemoryStore
{
    // The vectors of items, from the cache; texts it lacks (bullets people added or edited) are
    // embedded in one call and appended to the cache under the root lock.
    private async Task<float[]?[]> VectorsAsync(List<MemoryItem> items, CancellationToken cancellationToken)
    {
        var vectors = new float[]?[items.Count];
        if (Options.Embeddings is not { } generator)
        {
            return vectors;
        }

        var missing = new List<(int Index, string Key, string Text)>();
        for (var i = 0; i < items.Count; i++)
        {
            // Items are immutable and live until their file changes: remember their vector, hash their text once.
            if (_itemVectors.TryGetValue(items[i], out var known))
            {
                vectors[i] = known;
                continue;
            }

            var text = EmbeddedText(items[i]);
            var key = _embeddings.KeyOf(text);
            var vector = _embeddings.Find(key);
            if (vector is not null && (_dimensions == 0 || vector.Length == _dimensions))
            {
                vectors[i] = vector;
                _itemVectors.AddOrUpdate(items[i], vector);
            }
            else
            {
                missing.Add((i, key, text));
            }
        }

        if (missing.Count == 0)
        {
            return vectors;
        }

        var embeddings = await generator.GenerateAsync(missing.Select(m => m.Text).ToList(), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != missing.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {missing.Count} texts.");
        }

        var entries = new List<(string Key, float[] Vector)>();
        for (var j = 0; j < missing.Count; j++)
        {
            var vector = embeddings[j].Vector.ToArray();
            CheckDimensions(vector.Length);
            vectors[missing[j].Index] = vector;
            _itemVectors.AddOrUpdate(items[missing[j].Index], vector);
            entries.Add((missing[j].Key, vector));
        }

        using var held = await RootLock.AcquireAsync(_lockPath, MarkdownOptions.LockTimeout, cancellationToken).ConfigureAwait(false);
        _embeddings.Append(entries);
        return vectors;
    }

    private void CheckDimensions(int length)
    {
        var expected = Interlocked.CompareExchange(ref _dimensions, length, 0) is var known and not 0 ? known : length;
        if (length != expected || length == 0)
        {
            throw new InvalidOperationException(
                $"The embedding generator returned a vector of {length} dimensions; this store expects {expected} (MemoryStoreOptions.Dimensions).");
        }
    }

    // Identifies the model in the embedding cache: the option, else the generator's metadata, else its type.
    private string ModelId()
    {
        if (MarkdownOptions.EmbeddingModelId is { } id)
        {
            return id;
        }

        if (Options.Embeddings is not { } generator)
        {
            return "none";
        }

        return generator.GetService(typeof(EmbeddingGeneratorMetadata)) is EmbeddingGeneratorMetadata metadata
            ? $"{metadata.ProviderName}|{metadata.DefaultModelId}|{metadata.DefaultModelDimensions}|{Options.Dimensions}"
            : $"{generator.GetType().FullName}|{Options.Dimensions}";
    }
}
