using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Recall;

/// <summary>
/// Embeds each distinct text once through <paramref name="inner"/> and then answers from memory, so the
/// sweep can build a fresh store per ranking configuration without running the model again.
/// Does not own <paramref name="inner"/>.
/// </summary>
public sealed class MemoizingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ConcurrentDictionary<string, Embedding<float>> _cache = new(StringComparer.Ordinal);

    /// <summary>How many texts went to the inner generator.</summary>
    public int Misses { get; private set; }

    /// <inheritdoc/>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var missing = texts.Where(t => !_cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var made = await inner.GenerateAsync(missing, options, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < missing.Count; i++)
            {
                _cache[missing[i]] = made[i];
            }

            Misses += missing.Count;
        }

        return [.. texts.Select(t => _cache[t])];
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
