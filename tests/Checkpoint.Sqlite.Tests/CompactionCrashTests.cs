using System.Diagnostics;
using Checkpoint.CrashWorker;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// A worker process is killed (SIGKILL) while it makes a summary: after its step's checkpoint is
/// stored, before the compaction's is. The next run on the file compacts that checkpoint first and
/// ends where an uninterrupted run ends.
/// </summary>
public sealed class CompactionCrashTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_worker_killed_between_a_step_checkpoint_and_its_compaction_is_repaired_by_the_next_run()
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        var start = new ProcessStartInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet", [worker, "compact", _database.Path])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using (var process = Process.Start(start)!)
        {
            try
            {
                Assert.Equal("compacting", await process.StandardOutput.ReadLineAsync(timeout.Token));
                process.Kill(); // SIGKILL: the compaction checkpoint is never put
                await process.WaitForExitAsync(timeout.Token);
                Assert.Equal("", await process.StandardError.ReadToEndAsync(timeout.Token));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }
            }
        }

        await using var saver = _database.CreateSaver();
        var graph = CompactingGraph.Build(saver);
        var crashed = (await graph.GetStateAsync(CompactingGraph.Config))!;
        Assert.Equal(CheckpointSource.Loop, crashed.Source);
        Assert.Equal(["s1", "s2", "s3", "s4", "s5"], crashed.Values.Log);

        var final = await graph.InvokeAsync(null, CompactingGraph.Config);
        Assert.Equal(CompactingGraph.ExpectedLog(), final.Log);
        Assert.Equal(CompactingGraph.Steps, final.Count);

        var history = new List<StateSnapshot<CompactingState>>();
        await foreach (var snapshot in graph.GetStateHistoryAsync(CompactingGraph.Config))
        {
            history.Add(snapshot);
        }

        var repair = Assert.Single(history, s => s.ParentConfig?.CheckpointId == crashed.CheckpointId);
        Assert.Equal(CheckpointSource.Compact, repair.Source);
        Assert.Equal(["S[s1+s2+s3]", "s4", "s5"], repair.Values.Log);

        // One linear history: every checkpoint but the first is the child of the next older one.
        for (var i = 0; i < history.Count - 1; i++)
        {
            Assert.Equal(history[i + 1].CheckpointId, history[i].ParentConfig?.CheckpointId);
        }
    }
}
