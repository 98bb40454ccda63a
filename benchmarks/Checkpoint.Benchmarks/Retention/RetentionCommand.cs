using System.Diagnostics;
using System.Globalization;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Sqlite;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Retention;

/// <summary>
/// <c>retention [--n 500] [--threads 50] [--dir path]</c>: on SQLite, builds one W1 thread of n steps and
/// times a prune by each policy (on copies of it), then times a sweep over <c>--threads</c> W1 threads of
/// n/10 steps, then a purge of every thread as expired by a saver with a thread time to live (the first purge after
/// turning it on: each thread is stamped from its newest checkpoint, then deleted). Prints one line per measurement.
/// </summary>
public static class RetentionCommand
{
    public const string Usage = "retention [--n 500] [--threads 50] [--dir <sqlite dir>]";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var n = Option(args, "--n", 500);
        var threads = Option(args, "--threads", 50);
        var directory = args.SkipWhile(a => a != "--dir").Skip(1).FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), "checkpoint-retention");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"retention-{Guid.NewGuid():N}.db");
        try
        {
            await using var saver = new SqliteCheckpointSaver($"Data Source={path}");
            var graph = ChatLoop.Build(n).Compile(saver);
            _ = await graph.InvokeAsync(new ChatState(), ChatLoop.Config("source", n)).ConfigureAwait(false);
            var policies = new (string Name, RetentionPolicy Policy)[]
            {
                ("latest-1", RetentionPolicy.Latest(1)),
                ("latest-20", RetentionPolicy.Latest(20)),
                ("every-50th", RetentionPolicy.EveryKthStep(50)),
                ("latest-20+ancestors", RetentionPolicy.Latest(20).KeepingAncestors()),
            };
            // Warm-up (JIT, statement cache) on a throwaway copy.
            await saver.CopyThreadAsync("source", "warm-up").ConfigureAwait(false);
            _ = await saver.PruneAsync("warm-up", RetentionPolicy.Latest(1)).ConfigureAwait(false);
            var copy = 0;
            foreach (var (name, policy) in policies)
            {
                var thread = $"copy-{copy++}";
                await saver.CopyThreadAsync("source", thread).ConfigureAwait(false);
                var before = await CountAsync(saver, thread).ConfigureAwait(false);
                var watch = Stopwatch.StartNew();
                var deleted = await saver.PruneAsync(thread, policy).ConfigureAwait(false);
                watch.Stop();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"prune sqlite n={n} policy={name}: {before} checkpoints, {deleted} deleted in {watch.Elapsed.TotalMilliseconds:F1} ms")).ConfigureAwait(false);
            }

            var small = Math.Max(2, n / 10);
            var smallGraph = ChatLoop.Build(small).Compile(saver);
            for (var i = 0; i < threads; i++)
            {
                _ = await smallGraph.InvokeAsync(new ChatState(), ChatLoop.Config($"sweep-{i:D5}", small)).ConfigureAwait(false);
            }

            var sweepWatch = Stopwatch.StartNew();
            var summary = await saver.SweepAsync(RetentionPolicy.Latest(5)).ConfigureAwait(false);
            sweepWatch.Stop();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"sweep sqlite latest-5: {summary.Threads} threads ({threads} of {small} steps), {summary.CheckpointsDeleted} deleted in {sweepWatch.Elapsed.TotalMilliseconds:F0} ms ({sweepWatch.Elapsed.TotalMilliseconds / summary.Threads:F2} ms per thread)")).ConfigureAwait(false);

            // Two days on, with a one-day time to live, every thread has expired.
            await using (var expiring = new SqliteCheckpointSaver(
                $"Data Source={path}",
                new SqliteCheckpointSaverOptions { ThreadTimeToLive = TimeSpan.FromDays(1), TimeProvider = new ShiftedClock(TimeSpan.FromDays(2)) }))
            {
                await expiring.InitializeAsync().ConfigureAwait(false);
                var purgeWatch = Stopwatch.StartNew();
                var purged = await expiring.PurgeExpiredThreadsAsync().ConfigureAwait(false);
                purgeWatch.Stop();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"purge sqlite ttl=1d: {purged} expired threads stamped and deleted in {purgeWatch.Elapsed.TotalMilliseconds:F0} ms ({purgeWatch.Elapsed.TotalMilliseconds / Math.Max(1, purged):F2} ms per thread)")).ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<int> CountAsync(CheckpointSaver saver, string thread)
    {
        var count = 0;
        await foreach (var _ in saver.ListAsync(new CheckpointFilter { ThreadId = thread }).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    /// <summary>The system clock moved ahead, so that threads written now look old to a time to live.</summary>
    private sealed class ShiftedClock(TimeSpan ahead) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + ahead;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var value = args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return value is null ? fallback : int.Parse(value, CultureInfo.InvariantCulture);
    }
}
