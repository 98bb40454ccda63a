using Microsoft.Extensions.AI;

namespace Checkpoint.Conformance.Memory;

/// <summary>
/// A deterministic embedding generator for tests: one dimension per concept, and every synonym of a
/// concept adds to its dimension, so "I love my puppy" and "dogs are great pets" are close while
/// sharing no word. The last dimension is a constant, so no text maps to the zero vector. Counts calls.
/// </summary>
public sealed class ConceptEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private static readonly string[][] Concepts =
    [
        ["python", "javascript", "code", "coding", "programming", "language", "developer", "software", "typescript"],
        ["pizza", "food", "eat", "eats", "meal", "dinner", "lunch", "cuisine", "vegetarian", "meat", "pasta", "sushi"],
        ["dog", "dogs", "cat", "cats", "pet", "pets", "puppy", "kitten", "animal"],
        ["travel", "trip", "flight", "vacation", "holiday", "journey", "fly", "flying", "airport"],
        ["music", "song", "songs", "guitar", "piano", "concert", "band", "jazz"],
        ["weather", "rain", "sunny", "cold", "snow", "forecast"],
        ["job", "work", "office", "employer", "career", "colleague", "colleagues"],
        ["doctor", "allergy", "allergic", "sick", "medicine", "peanuts", "health"],
    ];

    private static readonly Dictionary<string, int> Dimension = Concepts
        .SelectMany((words, i) => words.Select(word => (word, i)))
        .ToDictionary(pair => pair.word, pair => pair.i, StringComparer.Ordinal);

    /// <summary>The size of every vector.</summary>
    public static int Dimensions => Concepts.Length + 1;

    /// <summary>How many times <see cref="GenerateAsync"/> was called.</summary>
    public int Calls { get; private set; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(text => new Embedding<float>(Embed(text)))));
    }

    /// <summary>The vector of a text.</summary>
    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        vector[^1] = 0.1f;
        foreach (var word in text.ToLowerInvariant().Split([' ', ',', '.', '!', '?', ':', ';', '\'', '"', '-'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (Dimension.TryGetValue(word, out var i))
            {
                vector[i] += 1;
            }
        }

        return vector;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
