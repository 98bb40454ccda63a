using Checkpoint.Storage;

namespace Checkpoint.CrashWorker;

/// <summary>The state of <see cref="NestedGraph"/>: an appended log.</summary>
public sealed class NestedState
{
    [Append]
    public List<string> Log { get; set; } = [];
}

/// <summary>
/// start → "inner" (a subgraph: first → second) → finish. Each node of the subgraph appends "&lt;node&gt;" to a side-effect log;
/// <c>beforeSecond</c> lets the crash test's worker hold the second node until it is killed.
/// </summary>
public static class NestedGraph
{
    public static RunConfig Config { get; } = RunConfig.ForThread("nested");

    public static CompiledGraph<NestedState> Build(CheckpointSaver saver, string sideEffectLog, Func<Task>? beforeSecond = null)
    {
        var inner = new StateGraph<NestedState>()
            .AddNode("first", _ => Logged(sideEffectLog, "first"))
            .AddNode("second", async _ =>
            {
                if (beforeSecond is not null)
                {
                    await beforeSecond().ConfigureAwait(false);
                }

                return Logged(sideEffectLog, "second");
            })
            .AddEdge(Graph.Start, "first").AddEdge("first", "second").AddEdge("second", Graph.End)
            .Compile(saver);
        return new StateGraph<NestedState>()
            .AddNode("start", _ => new Update<NestedState>().Append(x => x.Log, ["start"]))
            .AddSubgraph("inner", inner)
            .AddNode("finish", _ => new Update<NestedState>().Append(x => x.Log, ["finish"]))
            .AddEdge(Graph.Start, "start").AddEdge("start", "inner").AddEdge("inner", "finish").AddEdge("finish", Graph.End)
            .Compile(saver);
    }

    public static List<string> ReadLog(string path) => CrashGraph.ReadLogLines(path);

    private static Update<NestedState> Logged(string sideEffectLog, string node)
    {
        CrashGraph.AppendLine(sideEffectLog, node + "\n");

        return new Update<NestedState>().Append(x => x.Log, [node]);
    }
}
