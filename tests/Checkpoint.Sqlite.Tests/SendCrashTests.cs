using System.Diagnostics;
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
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        var start = new ProcessStartInfo(Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet",
            [worker, "fan-out", _database.Path, log, Finished.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        await using var saver = _database.CreateSaver();
        var graph = FanOutGraph.Build(saver, log);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        StateSnapshot<FanOutState> killedAt;
        using (var process = Process.Start(start)!)
        {
            try
            {
                // Poll the file (another connection) until 7 Sends' writes are saved; the other 3 wait in the worker.
                while ((killedAt = (await graph.GetStateAsync(FanOutGraph.Config, timeout.Token))!) is null
                    || killedAt.Tasks.Count(t => t.Completed) < Finished || killedAt.Step != 0)
                {
                    if (process.HasExited)
                    {
                        Assert.Fail($"the worker ended early: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
                    }

                    await Task.Delay(10, timeout.Token);
                }

                process.Kill(); // SIGKILL: no disposal, nothing flushed
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

        var beforeResume = FanOutGraph.ReadLog(log);
        var final = await graph.InvokeAsync(null, FanOutGraph.Config, timeout.Token);
        var afterResume = FanOutGraph.ReadLog(log).Skip(beforeResume.Count).ToList();
        await using var referenceSaver = _reference.CreateSaver();
        var reference = await FanOutGraph.Build(referenceSaver, _reference.Path + ".side-effects").InvokeAsync(new FanOutState(), FanOutGraph.Config, timeout.Token);

        Assert.Equal(10, killedAt.Tasks.Count);
        Assert.Equal(Enumerable.Range(0, Finished), beforeResume.Select(e => e.Item).Order());
        Assert.Equal([7, 8, 9], afterResume.Select(e => e.Item).Order()); // only the unfinished Sends ran again
        Assert.Equal(killedAt.Tasks.Where(t => !t.Completed).Select(t => t.Id).Order(), afterResume.Select(e => e.TaskId).Order());
        Assert.Equal(reference.Results, final.Results);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"{i}:{i * i}"), final.Results); // merged in Send order
        Assert.Equal("10 results", final.Total);
    }
}
