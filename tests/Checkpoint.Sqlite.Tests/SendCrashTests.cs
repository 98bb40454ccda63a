using Checkpoint.CrashWorker;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// A worker process maps 10 Sends and is killed (SIGKILL) once 7 of them have saved their writes: the next run on the
/// file runs the other 3 only, and ends where an uninterrupted run ends.
/// </summary>
public sealed class SendCrashTests : IDisposable
{
    private const int Finished = 7;
    private readonly TempDatabase _database = new();
    private readonly TempDatabase _reference = new();

    public void Dispose()
    {
        _database.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public async Task A_worker_killed_after_7_of_10_sends_finished_leaves_3_to_run_and_no_finished_send_runs_again()
    {
        var log = _database.Path + ".side-effects";
        await using var saver = _database.CreateSaver();
        var graph = FanOutGraph.Build(saver, log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        StateSnapshot<FanOutState>? killedAt = null;
        await CrashWorkerProcess.KillWhenAsync(
            ["fan-out", _database.Path, log, Finished.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            async token =>
            {
                // 7 Sends' writes saved; the other 3 wait in the worker.
                killedAt = await graph.GetStateAsync(FanOutGraph.Config, token);
                return killedAt is { Step: 0 } && killedAt.Tasks.Count(t => t.Completed) >= Finished;
            },
            timeout.Token);

        var beforeResume = FanOutGraph.ReadLog(log);
        var final = await graph.InvokeAsync(null, FanOutGraph.Config, timeout.Token);
        var afterResume = FanOutGraph.ReadLog(log).Skip(beforeResume.Count).ToList();
        await using var referenceSaver = _reference.CreateSaver();
        var reference = await FanOutGraph.Build(referenceSaver, _reference.Path + ".side-effects").InvokeAsync(new FanOutState(), FanOutGraph.Config, timeout.Token);

        Assert.Equal(10, killedAt!.Tasks.Count);
        Assert.Equal(Enumerable.Range(0, Finished), beforeResume.Select(e => e.Item).Order());
        Assert.Equal([7, 8, 9], afterResume.Select(e => e.Item).Order()); // only the unfinished Sends ran again
        Assert.Equal(killedAt.Tasks.Where(t => !t.Completed).Select(t => t.Id).Order(), afterResume.Select(e => e.TaskId).Order());
        Assert.Equal(reference.Results, final.Results);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{i}:{i * i}"), final.Results); // merged in Send order
        Assert.Equal("10 results", final.Total);
    }
}
