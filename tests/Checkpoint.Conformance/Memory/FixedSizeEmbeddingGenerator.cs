using Microsoft.Extensions.AI;

namespace Checkpoint.Conformance.Memory;

/// <summary>A generator returning vectors of a fixed wrong size, to test the dimension check.</summary>
/// <param name="size">The size of every vector it returns.</param>
public sealed class FixedSizeEmbeddingGenerator(int size) : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(_ => new Embedding<float>(Enumerable.Repeat(1f, size).ToArray()))));

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
