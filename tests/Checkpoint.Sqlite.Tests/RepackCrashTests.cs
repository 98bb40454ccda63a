using System.Diagnostics;
using System.Globalization;
using Checkpoint.Conformance.Engine;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;
using Xunit.Abstractions;
using static Checkpoint.Conformance.Engine.BlockGraphs;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// A repack killed (SIGKILL) at random points loses nothing: a child process repacks a long thread
/// written without blocks and is killed after a random number of blocks, several times; after each kill
/// every checkpoint reads as before, and at the end the thread continues and a full repack finishes.
/// Set CHECKPOINT_CRASH_SEED to replay the kill points of a logged seed.
/// </summary>
public sealed class RepackCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Steps = 400;
    private const int Kills = 3;
    private static readonly TimeSpan WorkerTimeout = TimeSpan.FromSeconds(60);

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task A_repack_killed_mid_way_loses_nothing_and_the_thread_reads_identical_and_continues()
    {
        var seed = Environment.GetEnvironmentVariable("CHECKPOINT_CRASH_SEED") is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (CHECKPOINT_CRASH_SEED={seed} replays these kill points)");
        var random = new Random(seed);

        List<(Guid Id, string Text)> before;
        await using (var writer = Saver(0))
        {
            await RunToAsync(writer, "long", Steps);
            before = await HistoryAsync(writer, "long");
        }

        var chunks = await ItemChunksAsync(Saver(0), "long");
        for (var k = 0; k < Kills; k++)
        {
            var target = random.Next(1, 60);
            var (killed, blocks) = await RepackAndKillAsync(target, random);
            Assert.True(killed, $"seed {seed}: the repack finished before it could be killed after {target} blocks");
            await using var reader = Saver(0);
            Assert.Equal(before, await HistoryAsync(reader, "long"));
            var now = await ItemChunksAsync(reader, "long");
            output.WriteLine($"kill {k}: after {blocks} blocks reported (target {target}); chunks {chunks} -> {now}");
            Assert.True(now < chunks, "each killed repack stored some blocks");
            chunks = now;
        }

        await using (var packer = Saver(4))
        {
            await RunToAsync(packer, "long", Steps + 7);
            Assert.True(await packer.RepackAsync("long") > 0);
            AssertAt(await LatestAsync(packer, "long"), Steps + 7);
        }

        await using var fresh = Saver(0);
        var after = await HistoryAsync(fresh, "long");
        Assert.Equal(before, after.Skip(after.Count - before.Count));
        AssertAt(await LatestAsync(fresh, "long"), Steps + 7);
    }

    private SqliteCheckpointSaver Saver(int blockItems) =>
        new(_database.ConnectionString, new SqliteCheckpointSaverOptions
        {
            Serializer = new CheckpointSerializer(new SerializerOptions { BlockItems = blockItems }),
        });

    /// <summary>
    /// Runs the repack worker and kills it once it reported <paramref name="target"/> blocks: at a pause
    /// (every 10th block) the kill lands between blocks or, after a "go", while the next ones are written.
    /// </summary>
    private async Task<(bool Killed, int Blocks)> RepackAndKillAsync(int target, Random random)
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "Checkpoint.CrashWorker.dll");
        Assert.True(File.Exists(worker), $"{worker} is missing");
        var start = new ProcessStartInfo(DotnetHost(), [worker, "repack", _database.Path, "long", "4"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var timeout = new CancellationTokenSource(WorkerTimeout);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        var (blocks, last) = (0, "");
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                last = line;
                if (!line.StartsWith("block ", StringComparison.Ordinal))
                {
                    break;
                }

                blocks++;
                var paused = blocks % 10 == 0;
                if (blocks >= target)
                {
                    if (paused && random.Next(2) == 0)
                    {
                        await process.StandardInput.WriteLineAsync("go"); // let it write more blocks, then kill
                    }

                    break;
                }

                if (paused)
                {
                    await process.StandardInput.WriteLineAsync("go");
                }
            }

            process.Kill(); // SIGKILL on Unix: no finally blocks, no disposal
            var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var stderr = await errors;
            Assert.True(stderr.Length == 0, $"the worker failed: {stderr}");
            var completed = last == "done" || rest.Split('\n').Any(l => l.Trim() == "done");
            return (!completed, blocks);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
