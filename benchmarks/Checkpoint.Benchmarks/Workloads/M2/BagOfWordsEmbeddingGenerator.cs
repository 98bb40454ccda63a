using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// A deterministic bag-of-words embedder for M2's deduplication: each lowercase word adds ±1 to one of
/// <see cref="Dimensions"/> components chosen by its FNV-1a hash (the sign by another bit), and the sum is
/// scaled to length 1. Word order is ignored, so a reordering has cosine 1 with its original; each word
/// swapped for another lowers it by about 1 / (words in the text). The <see cref="M1.SeededEmbeddingGenerator"/>
/// of M1 puts any two different texts far apart, so it cannot show near duplicates at all.
/// </summary>
public sealed class BagOfWordsEmbeddingGenerator(int dimensions = M1.SeededEmbeddingGenerator.DefaultDimensions)
    : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Vector width.</summary>
    public int Dimensions { get; } = dimensions;

    /// <summary>The unit vector of <paramref name="text"/> (a zero vector when it has no word).</summary>
    public float[] VectorOf(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var vector = new float[Dimensions];
        foreach (var word in text.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var hash = Fnv1a(word.ToLowerInvariant());
            vector[(int)(hash % (uint)Dimensions)] += (hash & 0x8000_0000u) == 0 ? 1f : -1f;
        }

        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = (float)(vector[i] / norm);
            }
        }

        return vector;
    }

    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        GeneratedEmbeddings<Embedding<float>> result = [.. values.Select(text => new Embedding<float>(VectorOf(text)))];
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(BagOfWordsEmbeddingGenerator) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static readonly char[] Separators = [' ', '\t', '\n', '\r', '.', ',', ';', ':', '!', '?'];

    // string.GetHashCode is randomized per process; the vectors must not be.
    private static uint Fnv1a(string word)
    {
        var hash = 2166136261u;
        foreach (var c in word)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash;
    }
}
