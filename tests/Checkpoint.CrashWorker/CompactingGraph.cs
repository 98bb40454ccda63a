using Checkpoint.Compaction;
using Checkpoint.Storage;

namespace Checkpoint.CrashWorker;

/// <summary>The state of <see cref="CompactingGraph"/>: a counter and its appended log.</summary>
public sealed class CompactingState
{
    public int Count { get; set; }

    [Append]
    public List<string> Log { get; set; } = [];
}

/// <summary>
/// A counter whose log is summarized when it reaches <see cref="Trigger"/> entries (the last
/// <see cref="KeepLast"/> kept): the crash test kills the worker while the summary is being made,
/// that is after the step's checkpoint is stored and before its compaction is.
/// </summary>
public static class CompactingGraph
{
    public const int Steps = 12;
    public const int Trigger = 5;
    public const int KeepLast = 2;

    public static RunConfig Config { get; } = RunConfig.ForThread("compacting");

    /// <summary>The graph; <paramref name="beforeSummary"/> runs before each summary is made.</summary>
    public static CompiledGraph<CompactingState> Build(CheckpointSaver saver, Func<Task>? beforeSummary = null) =>
        new StateGraph<CompactingState>()
            .AddNode("step", s => new Update<CompactingState>().Set(x => x.Count, s.Count + 1).Set(x => x.Log, [$"s{s.Count + 1}"]))
            .AddEdge(Graph.Start, "step")
            .AddConditionalEdges("step", s => s.Count < Steps ? "step" : Graph.End, ["step", Graph.End])
            .WithCompactor(
                s => s.Log,
                ListCompactors.Summarize<string>(KeepLast, async (span, _) =>
                {
                    if (beforeSummary is not null)
                    {
                        await beforeSummary().ConfigureAwait(false);
                    }

                    return Summary(span);
                }),
                CompactionTrigger.Items(Trigger))
            .Compile(saver);

    public static string Summary(IReadOnlyList<string> span) => "S[" + string.Join("+", span) + "]";

    /// <summary>The log an uninterrupted run ends with.</summary>
    public static List<string> ExpectedLog()
    {
        var log = new List<string>();
        for (var step = 1; step <= Steps; step++)
        {
            log.Add($"s{step}");
            if (log.Count >= Trigger)
            {
                log = [Summary(log.Take(log.Count - KeepLast).ToList()), .. log.Skip(log.Count - KeepLast)];
            }
        }

        return log;
    }
}
