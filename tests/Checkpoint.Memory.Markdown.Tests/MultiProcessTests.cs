using System.Diagnostics;
using Checkpoint.Conformance.Memory;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>Real processes writing one memory folder through the lock file lose no update.</summary>
public sealed class MultiProcessTests : MarkdownTestBase
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Two_processes_and_this_one_incrementing_one_counter_lose_no_update()
    {
        var store = Open();
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "counter", Content = "0" });

        var workers = Enumerable.Range(0, 2).Select(_ => RunWorkerAsync(Root.Path, "users/42", "counter", 50)).ToList();
        await ConcurrencyTests.IncrementAsync(store, Users42, "counter", 50);
        foreach (var (exitCode, stdout, stderr) in await Task.WhenAll(workers))
        {
            Assert.True(exitCode == 0 && stderr.Length == 0, $"worker exited with {exitCode}: {stderr}");
            Assert.Equal("done", stdout.Trim());
        }

        var final = await Open().GetAsync(Users42, "counter");
        Assert.Equal(("150", 151L), (final!.Content, final.Version));
    }

    [Fact]
    public async Task A_watcher_here_sees_every_version_another_process_writes_once_and_in_order()
    {
        const int Times = 30;
        var store = Open();
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "counter", Content = "0" });
        await using var watcher = await FeedWatcher.StartAsync(store, Users42);

        var worker = RunWorkerAsync(Root.Path, "users/42", "counter", Times);
        var events = await watcher.NextAsync(Times); // while the child process writes

        var (exitCode, stdout, stderr) = await worker;
        Assert.True(exitCode == 0 && stderr.Length == 0, $"worker exited with {exitCode}: {stderr}");
        Assert.Equal(Enumerable.Range(2, Times).Select(v => (MemoryChangeKind.Update, (long)v)), events.Select(e => (e.Change, e.Version)));
        Assert.Equal(events.Select(e => e.ChangeId).Order(), events.Select(e => e.ChangeId));
        Assert.Empty(await watcher.DrainAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(events[^1].ChangeId, await store.GetLatestChangeIdAsync());
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunWorkerAsync(string root, string ns, string key, int times)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.Memory.Markdown.Worker.dll");
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        var start = new ProcessStartInfo(host, [worker, root, ns, key, times.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var timeout = new CancellationTokenSource(Timeout);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout, await stderr);
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
