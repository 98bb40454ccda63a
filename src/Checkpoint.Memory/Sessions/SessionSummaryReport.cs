namespace Checkpoint.Memory;

/// <summary>What the session summary of one ended run did.</summary>
/// <param name="Run">The run that ended.</param>
/// <param name="Namespace">Where its episodes went.</param>
/// <param name="EpisodesWritten">Episodes written by this summary (texts already kept by an earlier run of the thread are not written again).</param>
/// <param name="Consolidations">The consolidations run on the namespace (one per <see cref="ConsolidationOptions.MaxEpisodes"/> episodes).</param>
public sealed record SessionSummaryReport(RunEnded Run, MemoryNamespace Namespace, int EpisodesWritten, IReadOnlyList<ConsolidationReport> Consolidations);
