using System.Diagnostics;
using Checkpoint.Conformance.Memory;
using Checkpoint.CrashWorker;
using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Several processes run graphs on one SQLite file at the same time.</summary>
public sealed class MultiProcessTests : IDisposable
{
    private const int Processes = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly TempDatabase _shared = new();
    private readonly TempDatabase _reference = new();

    public void Dispose()
    {
        _shared.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public async Task Four_processes_writing_one_file_all_finish_without_lock_errors_and_with_correct_state()
    {
        var directory = Path.GetDirectoryName(_shared.Path)!;
        var workers = Enumerable.Range(0, Processes)
            .Select(i => RunWorkerAsync(_shared.Path, Path.Combine(directory, $"side-effects-{i}.log"), $"process-{i}"))
            .ToList();
        var results = await Task.WhenAll(workers);

        foreach (var (exitCode, stderr) in results)
        {
            Assert.True(stderr.Length == 0, $"a worker wrote to stderr: {stderr}");
            Assert.Equal(0, exitCode);
        }

        await using var referenceSaver = new SqliteCheckpointSaver($"Data Source={_reference.Path}");
        var expected = await CrashGraph.Build(null).Compile(referenceSaver).InvokeAsync(CrashGraph.Input(), CrashGraph.Config);
        await using var saver = new SqliteCheckpointSaver($"Data Source={_shared.Path}");
        var graph = CrashGraph.Build(null).Compile(saver);
        for (var i = 0; i < Processes; i++)
        {
            var actual = (await graph.GetStateAsync(CrashGraph.ConfigFor($"process-{i}")))!;
            Assert.Empty(actual.Next);
            Assert.Equal(expected.Digest, actual.Values.Digest);
            Assert.Equal(expected.Total, actual.Values.Total);
            Assert.Equal(expected.Trail, actual.Values.Trail);
            Assert.Equal(CrashGraph.Supersteps + 1, await CountAsync(graph, $"process-{i}"));
        }
    }

    [Fact]
    public async Task Three_processes_and_this_one_incrementing_one_memory_lose_no_update()
    {
        const int PerProcess = 40;
        var workers = Enumerable.Range(0, 3).Select(_ => RunToEndAsync(["memory-increment", _shared.Path, PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture)], stdin: "")).ToList();
        await using (var store = new SqliteMemoryStore(_shared.Path))
        {
            for (var i = 0; i < PerProcess; i++)
            {
                await store.UpdateAsync(SharedCounter.Namespace, SharedCounter.Key, SharedCounter.Increment, maxAttempts: 10_000);
            }

            foreach (var (exitCode, stderr) in await Task.WhenAll(workers))
            {
                Assert.True(stderr.Length == 0, $"a worker wrote to stderr: {stderr}");
                Assert.Equal(0, exitCode);
            }

            var counter = (await store.GetAsync(SharedCounter.Namespace, SharedCounter.Key))!;
            Assert.Equal(((4 * PerProcess).ToString(System.Globalization.CultureInfo.InvariantCulture), 4L * PerProcess), (counter.Content, counter.Version));
            Assert.Equal(4 * PerProcess, (await store.GetHistoryAsync(SharedCounter.Namespace, SharedCounter.Key)).Count);
        }
    }

    [Fact]
    public async Task A_watcher_here_sees_every_version_two_other_processes_write_once_and_in_order()
    {
        const int PerProcess = 30;
        await using var store = new SqliteMemoryStore(_shared.Path);
        await using var watcher = await FeedWatcher.StartAsync(store, SharedCounter.Namespace);

        // Nothing is written here: every event reaches this process's watcher by its polling of the file.
        var workers = Enumerable.Range(0, 2).Select(_ => RunToEndAsync(["memory-increment", _shared.Path, PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture)], stdin: "")).ToList();
        foreach (var (exitCode, stderr) in await Task.WhenAll(workers))
        {
            Assert.True(stderr.Length == 0, $"a worker wrote to stderr: {stderr}");
            Assert.Equal(0, exitCode);
        }

        var events = await watcher.NextAsync(2 * PerProcess);
        Assert.Equal(Enumerable.Range(1, 2 * PerProcess).Select(version => (long)version), events.Select(e => e.Version));
        Assert.Equal([MemoryChangeKind.Add, .. Enumerable.Repeat(MemoryChangeKind.Update, 2 * PerProcess - 1)], events.Select(e => e.Change));
        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.First.ChangeId < pair.Second.ChangeId, $"{pair.First} then {pair.Second}"));
        Assert.Equal(events[^1].ChangeId, await store.GetLatestChangeIdAsync());
        Assert.Empty(await watcher.DrainAsync(TimeSpan.FromMilliseconds(300)));
    }

    private static ProcessStartInfo WorkerStart(IEnumerable<string> arguments)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        return new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet", [worker, .. arguments])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
    }

    private static async Task<int> CountAsync(CompiledGraph<CrashState> graph, string threadId)
    {
        var count = 0;
        await foreach (var _ in graph.GetStateHistoryAsync(CrashGraph.ConfigFor(threadId)))
        {
            count++;
        }

        return count;
    }

    /// <summary>Runs a worker to its end; it waits for one stdin line per step, so all of them are written at once.</summary>
    private static Task<(int ExitCode, string Stderr)> RunWorkerAsync(string database, string log, string threadId) =>
        RunToEndAsync([database, log, threadId], string.Concat(Enumerable.Repeat("go\n", CrashGraph.Supersteps + 2)));

    /// <summary>Runs the worker with <paramref name="arguments"/>, writes <paramref name="stdin"/>, and waits for its "done".</summary>
    private static async Task<(int ExitCode, string Stderr)> RunToEndAsync(string[] arguments, string stdin)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        using var process = Process.Start(WorkerStart(arguments)) ?? throw new InvalidOperationException("the worker did not start");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            Assert.EndsWith("done", (await stdout).TrimEnd());
            return (process.ExitCode, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
