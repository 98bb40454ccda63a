namespace Checkpoint.Memory;

/// <summary>
/// What <see cref="SessionMemory.WithSessionSummary{TState}"/> keeps of a thread when its run ends: the texts of its
/// short-term state become episodes, which the consolidation path turns into long-term facts.
/// </summary>
/// <typeparam name="TState">The graph's state type.</typeparam>
public sealed record SessionSummaryOptions<TState>
{
    /// <summary>The short-term state's texts worth remembering (typically the conversation's messages, one text each); blank ones are skipped.</summary>
    public required Func<TState, IEnumerable<string>> Episodes { get; init; }

    /// <summary>The model, prompts and target namespace of the consolidation (see <see cref="MemoryStore.ConsolidateAsync"/>).</summary>
    public required ConsolidationOptions Consolidation { get; init; }

    /// <summary>
    /// Where a run's episodes are written (and consolidated from); null: <see cref="SessionMemory.DefaultNamespace"/>,
    /// <c>sessions/{subject or thread}</c>.
    /// </summary>
    public Func<RunConfig, MemoryNamespace>? Namespace { get; init; }

    /// <summary>
    /// Where a run's facts are kept, per run (for example <c>users/{subject}/facts</c>); null: the consolidation's
    /// <see cref="ConsolidationOptions.Target"/>, else the episodes' namespace.
    /// </summary>
    public Func<RunConfig, MemoryNamespace>? Target { get; init; }

    /// <summary>
    /// The importance of the episodes written (0..1, default 0.3): below a fact's default 0.5, so the facts drawn from a
    /// session outrank the raw turns they came from when both match a query.
    /// </summary>
    public double EpisodeImportance { get; init; } = 0.3;

    /// <summary>Called after each summary with what was written and consolidated (for logs, metrics, tests).</summary>
    public Func<SessionSummaryReport, CancellationToken, Task>? Summarized { get; init; }
}
