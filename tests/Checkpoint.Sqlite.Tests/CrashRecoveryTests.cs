using System.Globalization;
using Checkpoint.CrashWorker;
using Xunit;
using Xunit.Abstractions;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Real crash recovery (<see cref="CrashCampaign"/>): a child process runs <see cref="CrashGraph"/> on a
/// SQLite file and is killed (SIGKILL) at a random point, several times, each new worker continuing
/// the thread; the test process then finishes the run. The final state and history must equal an
/// uninterrupted run's, no task whose writes were committed before a kill may run again after it,
/// and no task of the history may be lost. Set CHECKPOINT_CRASH_SEED to replay the kill points of a
/// logged seed; <c>dotnet Checkpoint.CrashWorker.dll campaign --runs 50</c> runs many seeds for the figure.
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 4;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-sqlite-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task CrashRecovery_killed_workers_resume_to_the_uninterrupted_state_and_committed_tasks_never_run_again()
    {
        var seed = Environment.GetEnvironmentVariable("CHECKPOINT_CRASH_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (CHECKPOINT_CRASH_SEED={seed} replays these kill points)");
        var reference = await CrashReference.RunAsync(Path.Combine(_directory, "reference"));

        var run = await CrashCampaign.RunAsync(seed, Kills, Path.Combine(_directory, "crashed"), reference);
        run.Notes.ForEach(output.WriteLine);
        output.WriteLine($"{run.SideEffects} side effects; {run.InterruptedTasksRerun} re-runs of interrupted tasks");

        // The uninterrupted run itself: every superstep, and each task ran exactly once.
        Assert.Equal(CrashGraph.Ticks, reference.Final.Counter);
        Assert.Equal(CrashGraph.Supersteps + 1, reference.History.Count);
        Assert.Equal(reference.Tasks, reference.SideEffects.Count);
        Assert.Equal(reference.SideEffects.Count, reference.SideEffects.Distinct().Count());

        Assert.True(run.Violations.Count == 0, $"seed {seed}: " + string.Join("\n", run.Violations));
        Assert.Equal(Kills, run.Kills);
        Assert.True(run.EqualsUninterrupted, $"seed {seed}: the resumed run differs from the uninterrupted one");
        Assert.Equal(0, run.CommittedTasksRunTwice);
        Assert.Equal(0, run.TasksLost);
    }
}
