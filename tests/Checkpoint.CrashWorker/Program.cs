using Checkpoint;
using Checkpoint.CrashWorker;
using Checkpoint.Sqlite;

// Usage: Checkpoint.CrashWorker repack <database file> <thread id> <block items>
// Repacks the thread (RepackTests' crash case) and prints "block <n>" after each block is stored; after
// every 10th it waits for a line on stdin, so the parent can kill it at a chosen point; then "done".
if (args is ["repack", var file, var thread, var blockItems])
{
    var options = new Checkpoint.Serialization.SerializerOptions { BlockItems = int.Parse(blockItems, System.Globalization.CultureInfo.InvariantCulture) };
    await using var packer = new SqliteCheckpointSaver(
        $"Data Source={file}", new SqliteCheckpointSaverOptions { Serializer = new Checkpoint.Serialization.CheckpointSerializer(options) });
    var report = new BlockReport(n =>
    {
        Console.Out.WriteLine($"block {n}");
        return n % 10 != 0 || Console.In.ReadLine() is not null;
    });
    _ = await packer.RepackAsync(thread, report).ConfigureAwait(false);
    Console.Out.WriteLine("done");
    return 0;
}

// Usage: Checkpoint.CrashWorker nested <database file> <side-effect log>
// Runs NestedGraph from its input; its subgraph's second node waits forever, so the parent can kill the worker (SIGKILL)
// once the subgraph's first checkpoint after "first" is stored (SubgraphCrashTests).
if (args is ["nested", var nestedDatabase, var nestedLog])
{
    await using var nestedSaver = new SqliteCheckpointSaver($"Data Source={nestedDatabase}");
    await NestedGraph.Build(nestedSaver, nestedLog, () => Task.Delay(Timeout.Infinite)).InvokeAsync(new NestedState(), NestedGraph.Config).ConfigureAwait(false);
    return 0;
}

// Usage: Checkpoint.CrashWorker fan-out <database file> <side-effect log> <items to finish>
// Runs FanOutGraph from its input; the Sends of items at or above <items to finish> wait forever before their side
// effect, so the parent can kill the worker once the others' writes are saved (SendCrashTests).
if (args is ["fan-out", var fanOutDatabase, var fanOutLog, var finish])
{
    await using var fanOutSaver = new SqliteCheckpointSaver($"Data Source={fanOutDatabase}");
    var held = int.Parse(finish, System.Globalization.CultureInfo.InvariantCulture);
    var fanOut = FanOutGraph.Build(fanOutSaver, fanOutLog, item => item >= held ? Task.Delay(Timeout.Infinite) : Task.CompletedTask);
    await fanOut.InvokeAsync(new FanOutState(), FanOutGraph.Config).ConfigureAwait(false);
    return 0;
}

// Usage: Checkpoint.CrashWorker memory-increment <database file> <count>
// Increments the shared memory counter (namespace "shared", key "counter") count times with UpdateAsync, as one of
// several processes doing the same on the file; prints "done".
if (args is ["memory-increment", var memoryFile, var count])
{
    await using var memory = new SqliteMemoryStore(memoryFile);
    for (var i = 0; i < int.Parse(count, System.Globalization.CultureInfo.InvariantCulture); i++)
    {
        _ = await memory.UpdateAsync(SharedCounter.Namespace, SharedCounter.Key, SharedCounter.Increment, maxAttempts: 10_000).ConfigureAwait(false);
    }

    Console.Out.WriteLine("done");
    return 0;
}

// Usage: Checkpoint.CrashWorker <database file> <side-effect log> [thread id]
// Runs CrashGraph on the thread, starting it when the file has no checkpoint for it yet and
// continuing from the latest checkpoint otherwise. Prints "ran <node> <step>" after each node's
// side effect is logged and "step <n>" after each checkpoint is stored, then "done". After each
// "step" line it waits for a line on stdin before running the next step, so the parent can never
// fall behind by more than a step (node lines do not wait: a kill after one lands mid-step).
// Usage: Checkpoint.CrashWorker compact <database file>
// Runs CompactingGraph from its input and prints "compacting" when its first summary is being made
// (the step's checkpoint is stored, its compaction is not), then waits for stdin: the parent kills it.
if (args is ["compact", var compactDatabase])
{
    await using var compactSaver = new SqliteCheckpointSaver($"Data Source={compactDatabase}");
    var compacting = CompactingGraph.Build(compactSaver, async () =>
    {
        Console.Out.WriteLine("compacting");
        Console.Out.Flush();
        await Console.In.ReadLineAsync().ConfigureAwait(false);
        Environment.Exit(3); // the parent went away without killing
    });
    await compacting.InvokeAsync(new CompactingState(), CompactingGraph.Config).ConfigureAwait(false);
    return 0;
}

// Usage: Checkpoint.CrashWorker campaign [--runs 50] [--kills 4] [--seed 1]
// The crash figure: kills workers (this program, started as children) across many seeds and prints the counts.
if (args is ["campaign", ..])
{
    return await CrashCampaignCommand.RunAsync(args[1..], Console.Out).ConfigureAwait(false);
}

if (args.Length is not (2 or 3))
{
    await Console.Error.WriteLineAsync("usage: Checkpoint.CrashWorker <database file> <side-effect log> [thread id]").ConfigureAwait(false);
    return 2;
}

var (database, log) = (args[0], args[1]);
var output = Console.Out;
await using var saver = new SqliteCheckpointSaver($"Data Source={database}");
var graph = CrashGraph.Build(log, (node, step) => output.WriteLine($"ran {node} {step}"), TimeSpan.FromMilliseconds(2)).Compile(saver);
var config = args.Length == 3 ? CrashGraph.ConfigFor(args[2]) : CrashGraph.Config;
object? input = await graph.GetStateAsync(config).ConfigureAwait(false) is null ? CrashGraph.Input() : null;
await foreach (var graphEvent in graph.StreamAsync(input, config).ConfigureAwait(false))
{
    if (graphEvent is StepCompleted<CrashState> completed)
    {
        output.WriteLine($"step {completed.Step}");
        if (await Console.In.ReadLineAsync().ConfigureAwait(false) is null)
        {
            return 3; // the parent went away
        }
    }
}

output.WriteLine("done");
return 0;
