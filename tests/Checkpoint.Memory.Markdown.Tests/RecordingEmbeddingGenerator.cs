using Checkpoint.Conformance.Memory;
using Microsoft.Extensions.AI;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>The concept generator, recording every text it embeds (thread-safe).</summary>
public sealed class RecordingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly List<string> _texts = [];

    /// <summary>Every text embedded so far, in order.</summary>
    public IReadOnlyList<string> Texts
    {
        get
        {
            lock (_texts)
            {
                return [.. _texts];
            }
        }
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values.ToList();
        lock (_texts)
        {
            _texts.AddRange(list);
        }

        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(text => new Embedding<float>(ConceptEmbeddingGenerator.Embed(text)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
