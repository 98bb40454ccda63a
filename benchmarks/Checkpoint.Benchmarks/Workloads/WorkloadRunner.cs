using System.Diagnostics;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>Runs W1 "chat-loop", W2 "long chat" and W3 "many-threads" of WORKLOADS.md on one saver kind.</summary>
public sealed partial class WorkloadRunner(TextWriter progress, bool quick)
{
    private const int W3Steps = 10;

    /// <summary>How long a latency measurement repeats its call (at most <see cref="MaxRepetitions"/> times).</summary>
    private TimeSpan LatencyBudget => quick ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(2);

    private int MaxRepetitions => quick ? 20 : 200;

    /// <summary>W1 with <paramref name="n"/> supersteps: a warm-up run on a throwaway store first.</summary>
    public async Task<WorkloadResult> RunW1Async(SaverTarget target, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        var warmUpN = Math.Min(n, quick ? 20 : 100);
        progress.WriteLine($"[{target.Name}] W1 warm-up (n={warmUpN})");
        await using (var warm = await target.CreateStoreAsync("warmup").ConfigureAwait(false))
        {
            _ = await W1CoreAsync(warm, warmUpN, "warm-").ConfigureAwait(false);
        }

        progress.WriteLine($"[{target.Name}] W1 n={n}");
        WorkloadResult result;
        await using (var store = await target.CreateStoreAsync($"w1-n{n}").ConfigureAwait(false))
        {
            result = await W1CoreAsync(store, n, "").ConfigureAwait(false);
        }

        var (wall, baseline, overhead) = await OverheadW1Async(target, n).ConfigureAwait(false);
        return result with
        {
            Saver = target.Name,
            WallMs = Round(wall),
            WallMsNoSaver = Round(baseline),
            OverheadUsPerStep = Round(overhead),
        };
    }

    /// <summary>
    /// W1's overhead per step: pairs of runs, each a run with no saver then one on a fresh store, so the
    /// machine's drift hits both alike (one ~0.1 s run varies 2x from run to run); the medians of the walls
    /// and of the pairs' differences. Five pairs (one with --quick).
    /// </summary>
    private async Task<(double Wall, double Baseline, double OverheadUs)> OverheadW1Async(SaverTarget target, int n)
    {
        await using var none = await new NullTarget().CreateStoreAsync("none").ConfigureAwait(false);
        _ = await TimedW1RunAsync(none.Saver, n, "none-warm").ConfigureAwait(false);
        var walls = new List<double>();
        var baselines = new List<double>();
        var differences = new List<double>();
        for (var i = 0; i < (quick ? 1 : 5); i++)
        {
            var baseline = await TimedW1RunAsync(none.Saver, n, $"none-{i}").ConfigureAwait(false);
            await using var again = await target.CreateStoreAsync($"w1-n{n}-pair{i}").ConfigureAwait(false);
            await again.InitializeAsync().ConfigureAwait(false);
            var wall = await TimedW1RunAsync(again.Saver, n, $"pair{i}-w1").ConfigureAwait(false);
            walls.Add(wall);
            baselines.Add(baseline);
            differences.Add((wall - baseline) * 1000 / n);
        }

        return (Median(walls), Median(baselines), Median(differences));
    }

    /// <summary>One W1 run of <paramref name="n"/> supersteps on <paramref name="thread"/>: its wall time in ms.</summary>
    private static async Task<double> TimedW1RunAsync(CheckpointSaver saver, int n, string thread)
    {
        var graph = ChatLoop.Build(n).Compile(saver);
        var watch = Stopwatch.StartNew();
        var final = await graph.InvokeAsync(new ChatState(), ChatLoop.Config(thread, n)).ConfigureAwait(false);
        var wall = watch.Elapsed.TotalMilliseconds;
        Check(final.Step == n && final.Messages.Count == n, $"the run ended at step {final.Step} with {final.Messages.Count} messages, not {n}");
        return wall;
    }

    /// <summary>W3: <paramref name="threads"/> threads of W1 with N = 10, <paramref name="inFlight"/> runs at a time.</summary>
    public async Task<WorkloadResult> RunW3Async(SaverTarget target, int threads, int inFlight)
    {
        var warmUp = Math.Min(threads, quick ? 8 : 50);
        progress.WriteLine($"[{target.Name}] W3 warm-up ({warmUp} threads)");
        await using (var warm = await target.CreateStoreAsync("warmup").ConfigureAwait(false))
        {
            _ = await ManyThreadsAsync(warm, warmUp, inFlight, "warm").ConfigureAwait(false);
        }

        double baseline;
        await using (var none = await new NullTarget().CreateStoreAsync("none").ConfigureAwait(false))
        {
            _ = await ManyThreadsAsync(none, warmUp, inFlight, "warm").ConfigureAwait(false);
            baseline = await ManyThreadsAsync(none, threads, inFlight, "t").ConfigureAwait(false);
        }

        progress.WriteLine($"[{target.Name}] W3 {threads} threads × n={W3Steps}, {inFlight} in flight");
        await using var store = await target.CreateStoreAsync($"w3-par{inFlight}").ConfigureAwait(false);
        await store.InitializeAsync().ConfigureAwait(false);
        var empty = await store.MeasureStoredBytesAsync().ConfigureAwait(false);
        var wall = await ManyThreadsAsync(store, threads, inFlight, "t").ConfigureAwait(false);
        var stored = await store.MeasureStoredBytesAsync().ConfigureAwait(false);
        var raw = (long)threads * W3Steps * MessageText.Length;
        return new WorkloadResult
        {
            Workload = inFlight == 1 ? "W3-seq" : $"W3-par{inFlight}",
            Saver = target.Name,
            N = W3Steps,
            Threads = threads,
            InFlight = inFlight,
            WallMs = Round(wall),
            WallMsNoSaver = Round(baseline),
            OverheadUsPerStep = Round((wall - baseline) * 1000 / ((double)threads * W3Steps)),
            StoredBytes = stored,
            StoredBytesEmpty = empty,
            RawBytes = raw,
            StoredToRaw = stored is { } s ? Round((double)s / raw) : null,
            ThreadsPerS = Round(threads / (wall / 1000)),
            Quick = quick,
        };
    }

    private async Task<WorkloadResult> W1CoreAsync(SaverStore store, int n, string threadPrefix)
    {
        var thread = $"{threadPrefix}w1";
        await store.InitializeAsync().ConfigureAwait(false);
        var empty = await store.MeasureStoredBytesAsync().ConfigureAwait(false);
        var config = ChatLoop.Config(thread, n);

        // The run.
        var wall = await TimedW1RunAsync(store.Saver, n, thread).ConfigureAwait(false);

        // Stored bytes (SQLite: the saver is closed, the files measured, and a new saver opened).
        var stored = await store.MeasureStoredBytesAsync().ConfigureAwait(false);
        var live = await store.MeasureLiveBytesAsync().ConfigureAwait(false);
        var graph = ChatLoop.Build(n).Compile(store.Saver);

        // Latest state.
        var latestUs = await LatencyUsAsync(async () =>
        {
            var latest = await graph.GetStateAsync(config).ConfigureAwait(false);
            Check(latest?.Values.Step == n && latest.Values.Messages.Count == n, "the latest state is wrong");
        }).ConfigureAwait(false);

        // The whole history, newest first; it also finds the checkpoint at step N/2.
        var mid = n / 2;
        Guid? midId = null;
        var checkpoints = 0;
        await foreach (var _ in graph.GetStateHistoryAsync(config).ConfigureAwait(false))
        {
            // An untimed first listing: the timed one below runs on optimized code.
        }

        var watch = Stopwatch.StartNew();
        await foreach (var snapshot in graph.GetStateHistoryAsync(config).ConfigureAwait(false))
        {
            checkpoints++;
            if (snapshot.Values.Step == mid && snapshot.Values.Messages.Count == mid)
            {
                midId ??= snapshot.CheckpointId;
            }
        }

        var listMs = watch.Elapsed.TotalMilliseconds;
        Check(midId is not null, $"no checkpoint with Step = {mid} in the history");
        Check(checkpoints >= n, $"the history has {checkpoints} checkpoints, fewer than {n}");

        // The state at step N/2 by its checkpoint id alone.
        var midUs = await LatencyUsAsync(async () =>
        {
            var past = await graph.GetStateAsync(midId!.Value).ConfigureAwait(false);
            Check(past?.Values.Step == mid && past.Values.Messages.Count == mid, "the state at step N/2 is wrong");
        }).ConfigureAwait(false);

        // The same two reads from a cold cache: the saver's chunk cache is dropped before every read.
        var latestColdUs = await LatencyUsAsync(async () =>
        {
            store.Saver.ClearChunkCache();
            var latest = await graph.GetStateAsync(config).ConfigureAwait(false);
            Check(latest?.Values.Step == n && latest.Values.Messages.Count == n, "the latest state is wrong");
        }).ConfigureAwait(false);
        var midColdUs = await LatencyUsAsync(async () =>
        {
            store.Saver.ClearChunkCache();
            var past = await graph.GetStateAsync(midId!.Value).ConfigureAwait(false);
            Check(past?.Values.Step == mid && past.Values.Messages.Count == mid, "the state at step N/2 is wrong");
        }).ConfigureAwait(false);

        // Fork: update the step-N/2 checkpoint (append a user message) and run 10 more steps from it.
        var forkGraph = ChatLoop.Build(mid + 10).Compile(store.Saver);
        var update = new Update<ChatState>().Set(x => x.Messages, [new Message("user", MessageText.For(mid + 1))]);
        watch.Restart();
        var forkConfig = await graph.UpdateStateAsync(config.AtCheckpoint(midId!.Value), update).ConfigureAwait(false);
        var forked = await forkGraph.InvokeAsync(null, forkConfig).ConfigureAwait(false);
        var forkMs = watch.Elapsed.TotalMilliseconds;
        Check(forked.Step == mid + 10 && forked.Messages.Count == mid + 11, $"the fork ended at step {forked.Step} with {forked.Messages.Count} messages");

        var raw = (long)n * MessageText.Length;
        return new WorkloadResult
        {
            Workload = "W1",
            Saver = "?",
            N = n,
            WallMs = Round(wall),
            StoredBytes = stored,
            StoredBytesEmpty = empty,
            StoredBytesLive = live,
            RawBytes = raw,
            StoredToRaw = stored is { } s ? Round((double)s / raw) : null,
            WorkloadToRaw = stored is { } a && empty is { } e ? Round((double)(a - e) / raw) : null,
            WorkloadLiveToRaw = live is { } l && empty is { } e2 ? Round((double)(l - e2) / raw) : null,
            Checkpoints = checkpoints,
            GetLatestUs = Round(latestUs),
            GetMidUs = Round(midUs),
            GetLatestColdUs = Round(latestColdUs),
            GetMidColdUs = Round(midColdUs),
            ListHistoryMs = Round(listMs),
            ForkMs = Round(forkMs),
            Quick = quick,
        };
    }

    /// <summary>Runs W1 (N = 10) on <paramref name="threads"/> thread ids; returns the wall time in ms.</summary>
    private static async Task<double> ManyThreadsAsync(SaverStore store, int threads, int inFlight, string prefix)
    {
        var graph = ChatLoop.Build(W3Steps).Compile(store.Saver);
        var run = Guid.NewGuid().ToString("N")[..6];
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, threads),
            new ParallelOptions { MaxDegreeOfParallelism = inFlight },
            async (i, token) =>
            {
                var final = await graph.InvokeAsync(new ChatState(), ChatLoop.Config($"{prefix}-{run}-{i}", W3Steps), token).ConfigureAwait(false);
                Check(final.Step == W3Steps, $"thread {i} ended at step {final.Step}");
            }).ConfigureAwait(false);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>
    /// The mean time of one call in microseconds, after untimed warm-up calls (30, or as many as fit
    /// in half the budget) so the tiered JIT has optimized the read path before it is timed.
    /// </summary>
    private async Task<double> LatencyUsAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        for (var warm = 0; warm < (quick ? 3 : 30) && (warm == 0 || watch.Elapsed < LatencyBudget / 2); warm++)
        {
            await call().ConfigureAwait(false);
        }

        watch.Restart();
        var count = 0;
        do
        {
            await call().ConfigureAwait(false);
            count++;
        }
        while (count < MaxRepetitions && (watch.Elapsed < LatencyBudget || count < 5));

        return watch.Elapsed.TotalMicroseconds / count;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Workload check failed: " + message);
        }
    }

    private static double Round(double value) => Math.Round(value, 3);
}
