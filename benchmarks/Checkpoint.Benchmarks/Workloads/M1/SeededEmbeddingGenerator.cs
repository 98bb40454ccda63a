using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Checkpoint.Benchmarks.Workloads.M1;

/// <summary>
/// A deterministic fake embedding model: each text maps to a pseudo-random unit vector seeded by the
/// text's FNV-1a hash, unless a vector was registered for it (M1's queries: their item's vector plus
/// noise). M1 times storage and search, not a model.
/// </summary>
public sealed class SeededEmbeddingGenerator(int dimensions = SeededEmbeddingGenerator.DefaultDimensions)
    : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>MiniLM's width.</summary>
    public const int DefaultDimensions = 384;

    private readonly ConcurrentDictionary<string, float[]> _registered = new(StringComparer.Ordinal);

    /// <summary>Vector width.</summary>
    public int Dimensions { get; } = dimensions;

    /// <summary>The vector <paramref name="text"/> maps to from now on.</summary>
    public void Register(string text, float[] vector) => _registered[text] = vector;

    /// <summary>The seeded unit vector of <paramref name="text"/> (ignores registrations).</summary>
    public float[] VectorOf(string text) => UnitVector(new Random(Fnv1a(text)), Dimensions);

    /// <summary>A unit vector of Gaussian components drawn from <paramref name="random"/>.</summary>
    public static float[] UnitVector(Random random, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(random);
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)Gaussian(random);
        }

        return Normalize(vector);
    }

    /// <summary><paramref name="vector"/> scaled to length 1 (in place).</summary>
    public static float[] Normalize(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        var norm = Math.Sqrt(vector.Sum(v => (double)v * v));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(vector[i] / norm);
        }

        return vector;
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u = 1.0 - random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble());
    }

    /// <inheritdoc/>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        GeneratedEmbeddings<Embedding<float>> result =
            [.. values.Select(text => new Embedding<float>(_registered.TryGetValue(text, out var v) ? v : VectorOf(text)))];
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(SeededEmbeddingGenerator) ? this : null;

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    // string.GetHashCode is randomized per process; the vectors must not be.
    private static int Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return unchecked((int)hash);
    }
}
