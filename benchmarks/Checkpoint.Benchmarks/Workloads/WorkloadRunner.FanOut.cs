using System.Diagnostics;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>The "fan-out" workload (issue 11): 1,000 Sends in one step against 1,000 sequential steps.</summary>
public sealed partial class WorkloadRunner
{
    /// <summary>The fan-out workload's default width.</summary>
    public const int FanOutDefaultSends = 1_000;

    /// <summary>
    /// Runs <paramref name="sends"/> Sends in one step and the same number of sequential steps, each on a fresh store,
    /// alternating, three rounds (one with --quick) after a warm-up; reports medians.
    /// </summary>
    public async Task<FanOutResult> RunFanOutAsync(SaverTarget target, int sends)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sends, 1);
        progress.WriteLine($"[{target.Name}] fan-out warm-up");
        await using (var warm = await target.CreateStoreAsync("fan-out-warmup").ConfigureAwait(false))
        {
            await warm.InitializeAsync().ConfigureAwait(false);
            _ = await FanOutOnceAsync(warm, Math.Min(sends, 50), "warm-map").ConfigureAwait(false);
            _ = await SequentialOnceAsync(warm, Math.Min(sends, 50), "warm-loop").ConfigureAwait(false);
        }

        var rounds = quick ? 1 : 3;
        var (fanOut, sequential) = (new List<double>(), new List<double>());
        long? storedFanOut = null, storedSequential = null;
        for (var round = 0; round < rounds; round++)
        {
            progress.WriteLine($"[{target.Name}] fan-out {sends} Sends vs {sends} steps, round {round + 1}/{rounds}");
            await using (var store = await target.CreateStoreAsync($"fan-out-map-{round}").ConfigureAwait(false))
            {
                await store.InitializeAsync().ConfigureAwait(false);
                var empty = await store.MeasureStoredBytesAsync().ConfigureAwait(false);
                fanOut.Add(await FanOutOnceAsync(store, sends, "map").ConfigureAwait(false));
                storedFanOut = await store.MeasureStoredBytesAsync().ConfigureAwait(false) - empty;
            }

            await using (var store = await target.CreateStoreAsync($"fan-out-loop-{round}").ConfigureAwait(false))
            {
                await store.InitializeAsync().ConfigureAwait(false);
                var empty = await store.MeasureStoredBytesAsync().ConfigureAwait(false);
                sequential.Add(await SequentialOnceAsync(store, sends, "loop").ConfigureAwait(false));
                storedSequential = await store.MeasureStoredBytesAsync().ConfigureAwait(false) - empty;
            }
        }

        var (fanOutMs, sequentialMs) = (Median(fanOut), Median(sequential));
        var (perTask, perStep) = (fanOutMs * 1000 / sends, sequentialMs * 1000 / sends);
        return new FanOutResult
        {
            Saver = target.Name,
            Sends = sends,
            FanOutMs = Round(fanOutMs),
            PerTaskUs = Round(perTask),
            SequentialMs = Round(sequentialMs),
            PerStepUs = Round(perStep),
            StepToTaskRatio = Round(perStep / perTask),
            StoredBytesFanOut = storedFanOut,
            StoredBytesSequential = storedSequential,
            Rounds = rounds,
            Quick = quick,
        };
    }

    private static async Task<double> FanOutOnceAsync(SaverStore store, int sends, string thread)
    {
        var graph = new StateGraph<FanOutState>()
            .AddNode("plan", _ => new Update<FanOutState>())
            .AddNode<int>("work", (s, item) => new Update<FanOutState>().Append(x => x.Items, [item]))
            .AddEdge(Graph.Start, "plan")
            .AddConditionalEdges("plan", s => Enumerable.Range(0, s.Count).Select(i => new Send("work", i)), ["work"])
            .AddEdge("work", Graph.End)
            .Compile(store.Saver);
        var clock = Stopwatch.StartNew();
        var final = await graph.InvokeAsync(new FanOutState { Count = sends }, RunConfig.ForThread(thread)).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        Check(final.Items.SequenceEqual(Enumerable.Range(0, sends)), "the Sends' items are not all there in Send order");
        return elapsed;
    }

    private static async Task<double> SequentialOnceAsync(SaverStore store, int steps, string thread)
    {
        var graph = new StateGraph<FanOutState>()
            .AddNode("work", s => new Update<FanOutState>().Append(x => x.Items, [s.Items.Count]))
            .AddEdge(Graph.Start, "work")
            .AddConditionalEdges("work", s => s.Items.Count < s.Count ? "work" : Graph.End, ["work", Graph.End])
            .Compile(store.Saver);
        var clock = Stopwatch.StartNew();
        var final = await graph.InvokeAsync(new FanOutState { Count = steps }, RunConfig.ForThread(thread) with { RecursionLimit = steps + 10 }).ConfigureAwait(false);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        Check(final.Items.Count == steps, $"{final.Items.Count} items after {steps} steps");
        return elapsed;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The fan-out workload's state: how many items to make, and the items.</summary>
    public sealed class FanOutState
    {
        public int Count { get; set; }

        [Append]
        public List<int> Items { get; set; } = [];
    }
}
