using System.Diagnostics;
using Checkpoint.Sqlite;

namespace Checkpoint.CrashWorker;

/// <summary>
/// Real crash recovery, as a test and as a figure: worker processes run <see cref="CrashGraph"/> on a
/// SQLite file and are killed (SIGKILL) at random points, each new worker continuing the thread; then
/// this process finishes the run and compares it with an uninterrupted one. Side effects are counted
/// by task id (the idempotency key of <see cref="NodeContext.TaskId"/>): a task whose writes were
/// committed before a kill must never run after it, and every task of the final history must have run.
/// </summary>
public static class CrashCampaign
{
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// One run: <paramref name="kills"/> workers killed at points drawn from <paramref name="seed"/> on a new
    /// file in <paramref name="directory"/>, then the run finished here and checked against <paramref name="reference"/>.
    /// </summary>
    public static async Task<CrashRun> RunAsync(int seed, int kills, string directory, CrashReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Directory.CreateDirectory(directory);
        var database = Path.Combine(directory, "crashed.db");
        var log = Path.Combine(directory, "side-effects.log");
        var run = new CrashRun { Seed = seed };
        var random = new Random(seed);

        // 1. Kill workers at random points; after each kill, note what the file says is committed.
        //    A worker waits for an ack after every step, so it gets at most ~3 fan-out cycles
        //    (of 15) before its kill: no worker can reach the end on its own.
        var points = new List<KillPoint>();
        for (var k = 0; k < kills; k++)
        {
            var onlySlowNode = random.Next(2) == 0;
            var target = onlySlowNode ? random.Next(1, 4) : random.Next(4, 40);
            var worker = await RunWorkerAndKillAsync(database, log, target, onlySlowNode, random, run).ConfigureAwait(false);
            if (!worker.Killed)
            {
                run.Violations.Add($"worker {k} finished the run before it could be killed after {target} lines");
                continue;
            }

            run.Kills++;
            var point = await ReadKillPointAsync(database, CrashGraph.ReadLog(log).Count, run).ConfigureAwait(false);
            points.Add(point);
            run.Notes.Add(
                $"kill {k}: target {target} {(onlySlowNode ? $"'ran {CrashGraph.FanOut[^1]}'" : "output")} lines, killed after {worker.LinesRead} lines (last '{worker.LastLine}'); " +
                $"head step {point.HeadStep}, {point.Committed.Count} committed tasks ({point.SavedNotCommitted} saved as pending writes), " +
                $"unfinished [{string.Join(", ", point.Unfinished.Values)}], log has {point.LogLength} lines");
        }

        // 2. Finish the run in this process.
        CrashState final;
        List<StateSnapshot<CrashState>> history;
        await using (var saver = new SqliteCheckpointSaver($"Data Source={database}"))
        {
            var graph = CrashGraph.Build(log).Compile(saver);
            final = await graph.InvokeAsync(null, CrashGraph.Config).ConfigureAwait(false);
            history = await HistoryAsync(graph).ConfigureAwait(false);
        }

        // 3. Same final state, and the same sequence of checkpoints (one linear history, no step lost or repeated).
        var described = history.Select(Describe).ToList();
        run.EqualsUninterrupted = final.Counter == reference.Final.Counter && final.Total == reference.Final.Total
            && final.Digest == reference.Final.Digest && final.Trail.SequenceEqual(reference.Final.Trail) && described.SequenceEqual(reference.History);
        for (var i = 0; i < history.Count - 1; i++)
        {
            if (history[i + 1].CheckpointId != history[i].ParentConfig?.CheckpointId)
            {
                run.Violations.Add($"checkpoint {history[i].CheckpointId} does not have the previous one as its parent");
            }
        }

        // 4. Side effects: every task of the final history ran.
        var lines = CrashGraph.ReadLog(log);
        run.SideEffects = lines.Count;
        var historyTasks = history.SelectMany(h => h.Tasks).Select(t => t.Id).ToHashSet();
        var ran = lines.ToHashSet();
        run.TasksLost = historyTasks.Count(id => !ran.Contains(id)) + Math.Max(0, reference.Tasks - historyTasks.Count);
        foreach (var id in ran.Where(id => !historyTasks.Contains(id)))
        {
            run.Violations.Add($"task {id} ran but is not in the final history");
        }

        // Within one process (between two kills) no task runs twice.
        var bounds = points.Select(k => k.LogLength).Prepend(0).Append(lines.Count).ToList();
        for (var segment = 0; segment < bounds.Count - 1; segment++)
        {
            var inProcess = lines.Skip(bounds[segment]).Take(bounds[segment + 1] - bounds[segment]).ToList();
            if (inProcess.Count != inProcess.Distinct().Count())
            {
                run.Violations.Add($"a task ran twice in process {segment}");
            }
        }

        // A task whose writes were committed (its step's checkpoint exists, or its writes are saved) before a
        // kill never runs after that kill; a task that ran before a kill and again after it was one the kill
        // interrupted: unfinished at the head checkpoint.
        var committedRerun = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < points.Count; k++)
        {
            var before = lines.Take(points[k].LogLength).ToHashSet();
            foreach (var id in lines.Skip(points[k].LogLength))
            {
                if (points[k].Committed.Contains(id))
                {
                    _ = committedRerun.Add(id);
                }
                else if (before.Contains(id) && !points[k].Unfinished.ContainsKey(id))
                {
                    run.Violations.Add($"task {id} ran before kill {k} and again after it, but was not an unfinished task of the head checkpoint");
                }
            }
        }

        run.CommittedTasksRunTwice = committedRerun.Count;
        run.InterruptedTasksRerun = lines.GroupBy(id => id).Count(g => g.Count() > 1) - committedRerun.Count;
        return run;
    }

    /// <summary>A checkpoint as one comparable line: step, source, next nodes and the whole state.</summary>
    public static string Describe(StateSnapshot<CrashState> snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return $"{snapshot.Step} {snapshot.Source} -> [{string.Join(",", snapshot.Next)}] counter {snapshot.Values.Counter} " +
            $"total {snapshot.Values.Total} digest {snapshot.Values.Digest} trail {string.Join(",", snapshot.Values.Trail)}";
    }

    /// <summary>The thread's history, newest first.</summary>
    public static async Task<List<StateSnapshot<CrashState>>> HistoryAsync(CompiledGraph<CrashState> graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var history = new List<StateSnapshot<CrashState>>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(CrashGraph.Config).ConfigureAwait(false))
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
    private static async Task<KillPoint> ReadKillPointAsync(string database, int logLength, CrashRun run)
    {
        await using var saver = new SqliteCheckpointSaver($"Data Source={database}");
        var history = await HistoryAsync(CrashGraph.Build(null).Compile(saver)).ConfigureAwait(false);
        var parents = history.Select(h => h.ParentConfig?.CheckpointId).OfType<Guid>().ToHashSet();
        var heads = history.Where(h => !parents.Contains(h.CheckpointId)).ToList();
        if (heads.Count > 1)
        {
            run.Violations.Add($"the history branched: {heads.Count} heads");
        }

        var committed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var snapshot in history)
        {
            var hasSuccessor = parents.Contains(snapshot.CheckpointId);
            committed.UnionWith(snapshot.Tasks.Where(t => hasSuccessor || t.Completed).Select(t => t.Id));
        }

        var head = heads.FirstOrDefault();
        var unfinished = head?.Tasks.Where(t => !t.Completed).ToDictionary(t => t.Id, t => t.Node) ?? [];
        return new KillPoint(logLength, head?.Step ?? -2, committed, unfinished, head?.Tasks.Count(t => t.Completed) ?? 0);
    }

    /// <summary>
    /// Starts a worker on the database and kills it once it has printed <paramref name="target"/> lines
    /// (when <paramref name="onlySlowNode"/>, only lines of the slowest parallel node count: the kill then
    /// tends to find the other two tasks' writes saved and its own not). The worker waits for a line on
    /// stdin after each "step" line, so it can never run ahead of this decision by more than one step;
    /// when the kill falls on a "step" line, it either stays at that step boundary or lets the next step start first.
    /// </summary>
    private static async Task<WorkerRun> RunWorkerAndKillAsync(string database, string log, int target, bool onlySlowNode, Random random, CrashRun run)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        if (!File.Exists(worker))
        {
            throw new FileNotFoundException("The crash worker is missing: projects that run it reference Checkpoint.CrashWorker, whose output is copied next to theirs.", worker);
        }

        var start = new ProcessStartInfo(DotnetHost(), [worker, database, log])
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
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
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
                        await process.StandardInput.WriteLineAsync("go").ConfigureAwait(false); // let the next step start, then kill
                    }

                    break;
                }

                if (isStep)
                {
                    await process.StandardInput.WriteLineAsync("go").ConfigureAwait(false);
                }
            }

            process.Kill(); // SIGKILL on Unix: no finally blocks, no flushing, no disposal
            var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            var completed = last == "done" || rest.Split('\n').Any(l => l.Trim() == "done");
            var stderr = await errors.ConfigureAwait(false);
            if (stderr.Length > 0)
            {
                run.Violations.Add($"the worker failed: {stderr}");
            }

            var expectedExit = completed ? 0 : OperatingSystem.IsLinux() ? 128 + 9 : process.ExitCode; // killed by SIGKILL
            if (process.ExitCode != expectedExit)
            {
                run.Violations.Add($"the worker exited with {process.ExitCode}, expected {expectedExit}");
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

    /// <summary>The dotnet host running this process (or the one the SDK names), to run the worker's dll with.</summary>
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
