using System.Security.Cryptography;
using System.Text;

namespace Checkpoint.Memory;

/// <summary>
/// Memory across sessions: a graph compiled with <see cref="WithSessionSummary{TState}"/> keeps what each thread's run
/// said once the run ends (nodes load memory at the start of a session through <c>context.Memory()</c>).
/// </summary>
public static class SessionMemory
{
    /// <summary>The metadata key of an episode naming the thread it came from.</summary>
    public const string ThreadMetadataKey = "thread";

    /// <summary>
    /// A copy of <paramref name="options"/> with <paramref name="store"/> as the nodes' memory (<see cref="MemoryServices.WithMemory"/>)
    /// and a run-end handler that writes the texts <see cref="SessionSummaryOptions{TState}.Episodes"/> picks from the final
    /// state as episodic memories of the run's subject (<see cref="RunConfig.SubjectId"/>), then consolidates them into
    /// long-term facts (<see cref="MemoryStore.ConsolidateAsync"/>) until no episode is left or the model's answer is not
    /// understood. Idempotent: an episode's key is a hash of its thread and text, so a text kept by an earlier run of the
    /// thread is not written again, and consolidated episodes are not read again. A failure (the model, the store) fails
    /// the call that ran the graph after its last checkpoint was saved; run the graph's end again with
    /// <see cref="SummarizeAsync{TState}"/>.
    /// </summary>
    public static CompileOptions WithSessionSummary<TState>(this CompileOptions options, MemoryStore store, SessionSummaryOptions<TState> summary)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(summary.Episodes, nameof(summary));
        ArgumentNullException.ThrowIfNull(summary.Consolidation, nameof(summary));
        ArgumentNullException.ThrowIfNull(summary.Consolidation.ChatClient, nameof(summary));
        ArgumentOutOfRangeException.ThrowIfLessThan(summary.EpisodeImportance, 0, nameof(summary));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(summary.EpisodeImportance, 1, nameof(summary));
        return options.WithMemory(store).OnRunEnded((ended, cancellationToken) => SummarizeAsync(store, summary, ended, cancellationToken));
    }

    /// <summary><c>sessions/{subject}</c> when the run names a subject, else <c>sessions/{thread}</c>.</summary>
    public static MemoryNamespace DefaultNamespace(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return MemoryNamespace.Of("sessions", config.SubjectId ?? config.ThreadId);
    }

    /// <summary>What the run-end handler does, for a run that ended: write its episodes, then consolidate them.</summary>
    public static async Task<SessionSummaryReport> SummarizeAsync<TState>(
        MemoryStore store, SessionSummaryOptions<TState> summary, RunEnded ended, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(ended);
        var memoryNamespace = summary.Namespace?.Invoke(ended.Config) ?? DefaultNamespace(ended.Config);
        var written = await WriteEpisodesAsync(store, memoryNamespace, summary.Episodes(ended.GetState<TState>()), summary.EpisodeImportance, ended, cancellationToken)
            .ConfigureAwait(false);
        var consolidation = summary.Target is { } target ? summary.Consolidation with { Target = target(ended.Config) } : summary.Consolidation;
        var consolidations = new List<ConsolidationReport>();
        ConsolidationReport report;
        do
        {
            report = await store.ConsolidateAsync(memoryNamespace, consolidation, cancellationToken).ConfigureAwait(false);
            consolidations.Add(report);
        }
        // A full batch may leave more behind; an answer not understood leaves its episodes unconsolidated: stop there.
        while (report.Episodes == summary.Consolidation.MaxEpisodes && report.Rejected.Count == 0);

        var result = new SessionSummaryReport(ended, memoryNamespace, written, consolidations);
        if (summary.Summarized is { } summarized)
        {
            await summarized(result, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static async Task<int> WriteEpisodesAsync(
        MemoryStore store, MemoryNamespace memoryNamespace, IEnumerable<string> texts, double importance, RunEnded ended, CancellationToken cancellationToken)
    {
        var writes = new List<MemoryWrite>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var key = EpisodeKey(ended.Config.ThreadId, text);
            if (keys.Add(key) && await store.GetAsync(memoryNamespace, key, cancellationToken).ConfigureAwait(false) is null)
            {
                writes.Add(new MemoryWrite
                {
                    Namespace = memoryNamespace,
                    Key = key,
                    Kind = MemoryKind.Episodic,
                    Content = text,
                    Importance = importance,
                    SubjectId = ended.Config.SubjectId,
                    Metadata = new Dictionary<string, object>(StringComparer.Ordinal) { [ThreadMetadataKey] = ended.Config.ThreadId },
                });
            }
        }

        if (writes.Count > 0)
        {
            _ = await store.PutManyAsync(writes, cancellationToken).ConfigureAwait(false);
        }

        return writes.Count;
    }

    // The thread is hashed in: the same words said in two threads are two episodes.
    private static string EpisodeKey(string threadId, string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(threadId + "\n" + text));
        return "episode-" + Convert.ToHexStringLower(hash.AsSpan(0, 12));
    }
}
