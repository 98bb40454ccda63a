using System.Diagnostics;
using System.Globalization;
using Checkpoint.CrashWorker;
using Xunit;
using Xunit.Abstractions;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Real crash recovery: a child process runs <see cref="CrashGraph"/> on a SQLite file and is
/// killed (SIGKILL) at a random point, several times, each new worker continuing the thread; the
/// test process then finishes the run. The final state and history must equal an uninterrupted
/// run's, and no task whose writes were committed before a kill may run again after it (side
/// effects are counted by task id, the idempotency key of <see cref="NodeContext.TaskId"/>).
/// Set CHECKPOINT_CRASH_SEED to replay the kill points of a logged seed.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 4;
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDatabase _crashed = new();
    private readonly TempDatabase _reference = new();

    public void Dispose()
    {
        _crashed.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public async Task CrashRecovery_killed_workers_resume_to_the_uninterrupted_state_and_committed_tasks_never_run_again()
    {
        var seed = Environment.GetEnvironmentVariable("CHECKPOINT_CRASH_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (CHECKPOINT_CRASH_SEED={seed} replays these kill points)");
        var random = new Random(seed);
        var log = Path.Combine(Path.GetDirectoryName(_crashed.Path)!, "side-effects.log");

        // 1. Kill workers at random points; after each kill, note what the file says is committed.
        //    A worker waits for an ack after every step, so it gets at most ~3 fan-out cycles
        //    (of 15) before its kill: no worker can reach the end on its own.
        var kills = new List<KillPoint>();
        for (var k = 0; k < Kills; k++)
        {
            var onlySlowNode = random.Next(2) == 0;
            var target = onlySlowNode ? random.Next(1, 4) : random.Next(4, 40);
            var worker = await RunWorkerAndKillAsync(log, target, onlySlowNode, random);
            Assert.True(worker.Killed, $"seed {seed}: worker {k} finished the run before it could be killed after {target} lines");
            var point = await ReadKillPointAsync(ReadLog(log).Count);
            kills.Add(point);
            output.WriteLine(
                $"kill {k}: target {target} {(onlySlowNode ? $"'ran {CrashGraph.FanOut[^1]}'" : "output")} lines, killed after {worker.LinesRead} lines (last '{worker.LastLine}'); " +
                $"head step {point.HeadStep}, {point.Committed.Count} committed tasks " +
                $"({point.SavedNotCommitted} saved as pending writes), unfinished [{string.Join(", ", point.Unfinished.Values)}], " +
                $"log has {point.LogLength} lines");
        }

        // 2. Finish the run in this process, then run the same graph uninterrupted on another file.
        CrashState final;
        List<StateSnapshot<CrashState>> history;
        await using (var saver = _crashed.CreateSaver())
        {
            var graph = CrashGraph.Build(log).Compile(saver);
            final = await graph.InvokeAsync(null, CrashGraph.Config);
            history = await HistoryAsync(graph);
        }

        var referenceLog = Path.Combine(Path.GetDirectoryName(_reference.Path)!, "side-effects.log");
        CrashState expected;
        List<StateSnapshot<CrashState>> referenceHistory;
        await using (var saver = _reference.CreateSaver())
        {
            var graph = CrashGraph.Build(referenceLog).Compile(saver);
            expected = await graph.InvokeAsync(CrashGraph.Input(), CrashGraph.Config);
            referenceHistory = await HistoryAsync(graph);
        }

        // 3. Same final state, and the same sequence of checkpoints (one linear history, no step lost or repeated).
        Assert.Equal(CrashGraph.Ticks, expected.Counter);
        Assert.Equal(expected.Trail, final.Trail);
        Assert.Equal(expected.Counter, final.Counter);
        Assert.Equal(expected.Total, final.Total);
        Assert.Equal(expected.Digest, final.Digest);
        Assert.Equal(CrashGraph.Supersteps + 1, referenceHistory.Count);
        Assert.Equal(referenceHistory.Select(Describe), history.Select(Describe));
        for (var i = 0; i < history.Count - 1; i++)
        {
            Assert.Equal(history[i + 1].CheckpointId, history[i].ParentConfig?.CheckpointId);
        }

        // 4. Side effects. Every task of the final history ran, and nothing else did.
        var lines = ReadLog(log);
        var historyTasks = history.SelectMany(h => h.Tasks).Select(t => t.Id).ToHashSet();
        Assert.Equal(historyTasks.Order(), lines.Distinct().Order());
        var referenceLines = ReadLog(referenceLog);
        Assert.Equal(referenceHistory.Sum(h => h.Tasks.Count), referenceLines.Count);
        Assert.Equal(referenceLines.Count, referenceLines.Distinct().Count());

        // Within one process (between two kills) no task runs twice.
        var bounds = kills.Select(k => k.LogLength).Prepend(0).Append(lines.Count).ToList();
        for (var segment = 0; segment < bounds.Count - 1; segment++)
        {
            var ran = lines.Skip(bounds[segment]).Take(bounds[segment + 1] - bounds[segment]).ToList();
            Assert.True(ran.Count == ran.Distinct().Count(), $"seed {seed}: a task ran twice in process {segment}");
        }

        // A task whose writes were committed (its step's checkpoint exists, or its writes are
        // saved) before a kill never runs after that kill; a task that ran before a kill and
        // again after it was one the kill interrupted: unfinished at the head checkpoint.
        for (var k = 0; k < kills.Count; k++)
        {
            var before = lines.Take(kills[k].LogLength).ToHashSet();
            foreach (var id in lines.Skip(kills[k].LogLength))
            {
                Assert.False(kills[k].Committed.Contains(id), $"seed {seed}: task {id} was committed before kill {k} but ran again after it");
                Assert.True(!before.Contains(id) || kills[k].Unfinished.ContainsKey(id),
                    $"seed {seed}: task {id} ran before kill {k} and again after it, but was not an unfinished task of the head checkpoint");
            }
        }

        // So every task runs exactly once, except those that straddled a kill.
        var straddled = kills.SelectMany(k => k.Unfinished.Keys).ToHashSet();
        foreach (var group in lines.GroupBy(id => id))
        {
            Assert.True(group.Count() == 1 || straddled.Contains(group.Key), $"seed {seed}: task {group.Key} ran {group.Count()} times");
        }

        output.WriteLine($"{lines.Count} side effects for {historyTasks.Count} tasks; {lines.Count - historyTasks.Count} re-runs of interrupted tasks");
    }

    private static string Describe(StateSnapshot<CrashState> snapshot) =>
        $"{snapshot.Step} {snapshot.Source} -> [{string.Join(",", snapshot.Next)}] counter {snapshot.Values.Counter} " +
        $"total {snapshot.Values.Total} digest {snapshot.Values.Digest} trail {string.Join(",", snapshot.Values.Trail)}";

    private static List<string> ReadLog(string path) => CrashGraph.ReadLog(path);

    private static async Task<List<StateSnapshot<CrashState>>> HistoryAsync(CompiledGraph<CrashState> graph)
    {
        var history = new List<StateSnapshot<CrashState>>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(CrashGraph.Config))
        {
            history.Add(snapshot);
        }

        return history;
    }

    /// <summary>
    /// What the file holds after a kill: the tasks whose writes are committed (every task of a
    /// checkpoint that has a successor, plus the completed tasks of the head checkpoint) and the
    /// unfinished tasks of the head checkpoint (task id to node).
    /// </summary>
    private async Task<KillPoint> ReadKillPointAsync(int logLength)
    {
        await using var saver = _crashed.CreateSaver();
        var history = await HistoryAsync(CrashGraph.Build(null).Compile(saver));
        var parents = history.Select(h => h.ParentConfig?.CheckpointId).OfType<Guid>().ToHashSet();
        var heads = history.Where(h => !parents.Contains(h.CheckpointId)).ToList();
        Assert.True(heads.Count <= 1, $"the history branched: {heads.Count} heads");
        var committed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var snapshot in history)
        {
            var hasSuccessor = parents.Contains(snapshot.CheckpointId);
            committed.UnionWith(snapshot.Tasks.Where(t => hasSuccessor || t.Completed).Select(t => t.Id));
        }

        var head = heads.SingleOrDefault();
        var unfinished = head?.Tasks.Where(t => !t.Completed).ToDictionary(t => t.Id, t => t.Node) ?? [];
        return new KillPoint(logLength, head?.Step ?? -2, committed, unfinished, head?.Tasks.Count(t => t.Completed) ?? 0);
    }

    /// <summary>
    /// Starts a worker on the crash database and kills it once it has printed <paramref name="target"/>
    /// lines (when <paramref name="onlySlowNode"/>, only lines of the slowest parallel node count: the
    /// kill then tends to find the other two tasks' writes saved and its own not). The worker waits
    /// for a line on stdin after each "step" line, so it can never run ahead of this decision by
    /// more than one step; when the kill falls on a "step" line, it either stays at that step
    /// boundary or lets the next step start first.
    /// </summary>
    private async Task<WorkerRun> RunWorkerAndKillAsync(string log, int target, bool onlySlowNode, Random random)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        Assert.True(File.Exists(worker), $"{worker} is missing: the test project references the worker project, whose output is copied next to the tests");
        var start = new ProcessStartInfo(DotnetHost(), [worker, _crashed.Path, log])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var timeout = new CancellationTokenSource(WorkerTimeout);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        var (read, counted, last) = (0, 0, "");
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                (read, last) = (read + 1, line);
                if (!onlySlowNode || line.StartsWith($"ran {CrashGraph.FanOut[^1]} ", StringComparison.Ordinal))
                {
                    counted++;
                }

                var isStep = line.StartsWith("step ", StringComparison.Ordinal);
                if (counted >= target)
                {
                    if (isStep && random.Next(2) == 0)
                    {
                        await process.StandardInput.WriteLineAsync("go"); // let the next step start, then kill
                    }

                    break;
                }

                if (isStep)
                {
                    await process.StandardInput.WriteLineAsync("go");
                }
            }

            process.Kill(); // SIGKILL on Unix: no finally blocks, no flushing, no disposal
            var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var completed = last == "done" || rest.Split('\n').Any(l => l.Trim() == "done");
            var stderr = await errors;
            Assert.True(stderr.Length == 0, $"the worker failed: {stderr}");
            if (completed)
            {
                Assert.Equal(0, process.ExitCode);
            }
            else if (OperatingSystem.IsLinux())
            {
                Assert.Equal(128 + 9, process.ExitCode); // killed by SIGKILL
            }

            return new WorkerRun(!completed, read, last);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    /// <summary>The dotnet host running this test (or the one the SDK names), to run the worker's dll with.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }

    private sealed record WorkerRun(bool Killed, int LinesRead, string LastLine);

    private sealed record KillPoint(int LogLength, int HeadStep, HashSet<string> Committed, Dictionary<string, string> Unfinished, int SavedNotCommitted);
}
