using System.Text;

namespace Checkpoint.CrashWorker;

/// <summary>The state of the crash-recovery graph: one channel of each kind.</summary>
public sealed class CrashState
{
    /// <summary>Appended to by every node (append channel).</summary>
    [Append]
    public List<string> Trail { get; set; } = [];

    /// <summary>Written by "tick" only (last-value channel).</summary>
    public int Counter { get; set; }

    /// <summary>Written by "join" only (last-value channel).</summary>
    public long Digest { get; set; }

    /// <summary>Written by the three parallel nodes at once (custom sum reducer).</summary>
    public long Total { get; set; }
}

/// <summary>
/// A long graph for crash tests: "tick" loops <see cref="Ticks"/> times; after every fourth tick
/// the run fans out to "a", "b" and "c" in one superstep (so their writes are saved one by one as
/// pending writes) and then "join" folds the state into <see cref="CrashState.Digest"/>. That is
/// <see cref="Supersteps"/> supersteps in all. Every node first records its side effect, a line
/// "taskId node step" appended to a log file, keyed by <see cref="NodeContext.TaskId"/>.
/// </summary>
public static class CrashGraph
{
    /// <summary>How many times "tick" runs.</summary>
    public const int Ticks = 60;

    /// <summary>Supersteps of a whole run: every tick, and a fan-out step plus a join step after every fourth tick.</summary>
    public const int Supersteps = Ticks + (Ticks / 4 * 2);

    /// <summary>The thread every run of the test uses.</summary>
    public const string ThreadId = "crash";

    /// <summary>The parallel nodes.</summary>
    public static readonly IReadOnlyList<string> FanOut = ["a", "b", "c"];

    private static readonly Lock LogGate = new();

    /// <summary>A config for the thread, allowing the whole run in one invocation.</summary>
    public static RunConfig Config => ConfigFor(ThreadId);

    /// <summary>A config for another thread, allowing the whole run in one invocation.</summary>
    public static RunConfig ConfigFor(string threadId) => new() { ThreadId = threadId, RecursionLimit = Supersteps * 2 };

    /// <summary>The input that starts the run.</summary>
    public static CrashState Input() => new() { Trail = ["start"] };

    /// <summary>
    /// Builds the graph. <paramref name="sideEffectLog"/> receives one line per node execution;
    /// <paramref name="onRan"/> is told after the line is written (the worker prints it);
    /// <paramref name="latency"/> is simulated work of the parallel nodes ("a" none, "b" one unit,
    /// "c" two), so that a kill can land between their saved writes.
    /// </summary>
    public static StateGraph<CrashState> Build(string? sideEffectLog, Action<string, int>? onRan = null, TimeSpan latency = default)
    {
        async Task Record(NodeContext ctx, int latencyUnits)
        {
            if (latencyUnits > 0 && latency > TimeSpan.Zero)
            {
                await Task.Delay(latency * latencyUnits, ctx.CancellationToken).ConfigureAwait(false);
            }

            if (sideEffectLog is not null)
            {
                AppendLine(sideEffectLog, $"{ctx.TaskId} {ctx.Node} {ctx.Step}\n");
            }

            onRan?.Invoke(ctx.Node, ctx.Step);
        }

        var graph = new StateGraph<CrashState>()
            .WithReducer(s => s.Total, (current, update) => current + update)
            .AddNode("tick", async (s, ctx) =>
            {
                await Record(ctx, 0).ConfigureAwait(false);
                var counter = s.Counter + 1;
                return new Update<CrashState>().Set(x => x.Counter, counter).Set(x => x.Trail, [$"tick{counter}"]);
            })
            .AddNode("join", async (s, ctx) =>
            {
                await Record(ctx, 0).ConfigureAwait(false);
                return new Update<CrashState>().Set(x => x.Digest, Fold(s)).Set(x => x.Trail, [$"join{s.Counter}:{s.Total}"]);
            })
            .AddEdge(Graph.Start, "tick")
            .AddConditionalEdges("tick", s => s.Counter % 4 == 0 ? FanOut : [s.Counter < Ticks ? "tick" : Graph.End], [.. FanOut, "tick", Graph.End])
            .AddConditionalEdges("join", s => s.Counter < Ticks ? "tick" : Graph.End, ["tick", Graph.End]);
        for (var i = 0; i < FanOut.Count; i++)
        {
            var (name, units) = (FanOut[i], i);
            graph.AddNode(name, async (s, ctx) =>
            {
                await Record(ctx, units).ConfigureAwait(false);
                return new Update<CrashState>()
                    .Set(x => x.Total, (long)s.Counter * (units + 1) + s.Trail.Count)
                    .Set(x => x.Trail, [$"{name}{s.Counter}"]);
            });
            graph.AddEdge(name, "join");
        }

        return graph;
    }

    /// <summary>The task ids in a side-effect log, one per line, in order (a torn last line is left out).</summary>
    public static List<string> ReadLog(string path) => [.. ReadLogLines(path).Select(line => line.Split(' ')[0])];

    /// <summary>The complete lines of a side-effect log, in order (a torn last line is left out; none when there is no file).</summary>
    public static List<string> ReadLogLines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        var complete = text.LastIndexOf('\n') + 1;
        return [.. text[..complete].Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private static long Fold(CrashState s)
    {
        var digest = s.Digest;
        foreach (var item in s.Trail)
        {
            foreach (var ch in item)
            {
                digest = unchecked((digest * 31) + ch);
            }
        }

        return unchecked(digest ^ s.Total);
    }

    /// <summary>Appends one line (ending in a newline) with a single write, flushed before returning; other processes may read the file meanwhile.</summary>
    public static void AppendLine(string path, string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        lock (LogGate)
        {
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.Write(bytes);
            stream.Flush(flushToDisk: false);
        }
    }
}
