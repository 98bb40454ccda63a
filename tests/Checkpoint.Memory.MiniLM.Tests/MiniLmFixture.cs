using Checkpoint.Memory.MiniLM;

namespace Checkpoint.Memory.MiniLM.Tests;

/// <summary>One loaded model for the whole test class (loading takes about a second).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new(new MiniLmEmbeddingGeneratorOptions { BatchSize = 8, MaxConcurrentRuns = 2 });

    public void Dispose() => Generator.Dispose();
}
