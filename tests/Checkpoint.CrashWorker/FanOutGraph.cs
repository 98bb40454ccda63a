using Checkpoint.Storage;

namespace Checkpoint.CrashWorker;

/// <summary>The state of <see cref="FanOutGraph"/>: how many items to map, and what each Send produced.</summary>
public sealed class FanOutState
{
    public int Items { get; set; }

    [Append]
    public List<string> Results { get; set; } = [];

    public string? Total { get; set; }
}

/// <summary>
/// plan → one "work" Send per item → total. Each work task appends "&lt;task id&gt; &lt;item&gt;" to a side-effect log
/// (after <c>beforeWork</c>, which the crash test's worker uses to hold some items back until it is killed).
/// </summary>
public static class FanOutGraph
{
    public const int Items = 10;

    public static RunConfig Config { get; } = RunConfig.ForThread("fan-out");

    public static CompiledGraph<FanOutState> Build(CheckpointSaver saver, string sideEffectLog, Func<int, Task>? beforeWork = null) =>
        new StateGraph<FanOutState>()
            .AddNode("plan", _ => new Update<FanOutState>().Set(x => x.Items, Items))
            .AddNode<int>("work", async (s, item, ctx) =>
            {
                if (beforeWork is not null)
                {
                    await beforeWork(item).ConfigureAwait(false);
                }

                CrashGraph.AppendLine(sideEffectLog, $"{ctx.TaskId} {item}\n"); // one write under a lock: parallel Sends do not interleave

                return new Update<FanOutState>().Append(x => x.Results, [$"{item}:{item * item}"]);
            })
            .AddNode("total", s => new Update<FanOutState>().Set(x => x.Total, $"{s.Results.Count} results"))
            .AddEdge(Graph.Start, "plan")
            .AddConditionalEdges("plan", s => Enumerable.Range(0, s.Items).Select(i => new Send("work", i)), ["work"])
            .AddEdge("work", "total")
            .AddEdge("total", Graph.End)
            .Compile(saver);

    /// <summary>The side-effect log's lines as (task id, item).</summary>
    public static List<(string TaskId, int Item)> ReadLog(string path) =>
        [.. CrashGraph.ReadLogLines(path).Select(line => line.Split(' ')).Select(parts => (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)))];
}
