namespace Checkpoint.Memory.MiniLM;

/// <summary>Settings of a <see cref="MiniLmEmbeddingGenerator"/>.</summary>
public sealed class MiniLmEmbeddingGeneratorOptions
{
    /// <summary>
    /// How many texts go through the model in one ONNX run (default 32). Texts are grouped by length
    /// before batching, so a batch pads little. Cancellation is checked between batches.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// How many batches may run on the model at once across all callers (default 1). The ONNX session
    /// already spreads one run over the CPU cores, so more rarely helps; extra callers wait their turn.
    /// </summary>
    public int MaxConcurrentRuns { get; init; } = 1;

    /// <summary>
    /// Threads ONNX Runtime uses inside one run; <see langword="null"/> (the default) lets it choose
    /// (one per physical core).
    /// </summary>
    public int? IntraOpThreads { get; init; }

    /// <summary>Clock for <see cref="Microsoft.Extensions.AI.Embedding.CreatedAt"/>; the system clock by default.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
