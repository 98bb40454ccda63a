using Checkpoint.CrashWorker;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// A worker process is killed (SIGKILL) inside a subgraph, after its first node's checkpoint is stored: the next run on
/// the file continues the subgraph (its first node does not run again) and ends where an uninterrupted run ends.
/// </summary>
public sealed class SubgraphCrashTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly TempDatabase _reference = new();

    public void Dispose()
    {
        _database.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public async Task A_worker_killed_inside_a_subgraph_is_continued_inside_it_by_the_next_run()
    {
        var log = _database.Path + ".side-effects";
        await using var saver = _database.CreateSaver();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await CrashWorkerProcess.KillWhenAsync(["nested", _database.Path, log], token => SubgraphStepStoredAsync(saver, token), timeout.Token);

        Assert.Equal(["first"], NestedGraph.ReadLog(log));
        var final = await NestedGraph.Build(saver, log).InvokeAsync(null, NestedGraph.Config, timeout.Token);
        await using var referenceSaver = _reference.CreateSaver();
        var reference = await NestedGraph.Build(referenceSaver, _reference.Path + ".side-effects").InvokeAsync(new NestedState(), NestedGraph.Config, timeout.Token);

        Assert.Equal(["first", "second"], NestedGraph.ReadLog(log)); // "first" ran once
        Assert.Equal(["start", "first", "second", "finish"], final.Log);
        Assert.Equal(reference.Log, final.Log);
    }

    private static async Task<bool> SubgraphStepStoredAsync(CheckpointSaver saver, CancellationToken cancellationToken)
    {
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = NestedGraph.Config.ThreadId }, cancellationToken))
        {
            if (tuple.Checkpoint.Namespace.StartsWith("inner:", StringComparison.Ordinal) && tuple.Checkpoint.Step == 0)
            {
                return true;
            }
        }

        return false;
    }
}
