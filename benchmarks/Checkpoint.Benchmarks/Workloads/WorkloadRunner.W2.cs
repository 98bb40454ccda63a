using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>W2 "long chat" (see <see cref="LongChat"/>).</summary>
public sealed partial class WorkloadRunner
{
    /// <summary>W2's default N.</summary>
    public const int W2DefaultN = 5_000;

    /// <summary>The step of the first get-latest measurement.</summary>
    public const int W2MeasureAt = 500;

    /// <summary>W2 with <paramref name="n"/> steps, with the compactor then without it (after a short warm-up).</summary>
    public async Task<IReadOnlyList<W2Result>> RunW2Async(SaverTarget target, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        var warmUpN = Math.Min(n, quick ? 120 : 300);
        progress.WriteLine($"[{target.Name}] W2 warm-up (n={warmUpN})");
        await using (var warm = await target.CreateStoreAsync("w2warmup").ConfigureAwait(false))
        {
            _ = await W2CoreAsync(warm, warmUpN, compact: true).ConfigureAwait(false);
        }

        var results = new List<W2Result>();
        foreach (var compact in new[] { true, false })
        {
            progress.WriteLine($"[{target.Name}] W2 n={n} compactor={compact}");
            await using var store = await target.CreateStoreAsync($"w2-n{n}-{(compact ? "compact" : "full")}").ConfigureAwait(false);
            results.Add(await W2CoreAsync(store, n, compact).ConfigureAwait(false) with { Saver = target.Name });
        }

        return results;
    }

    private async Task<W2Result> W2CoreAsync(SaverStore store, int n, bool compact)
    {
        const string Thread = "w2";
        await store.InitializeAsync().ConfigureAwait(false);
        var at = Math.Min(W2MeasureAt, n);

        // The run to step 500, then on to N from there (a new input on the ended thread continues the loop).
        var liveMax = await RunW2StepsAsync(store.Saver, Thread, at, compact).ConfigureAwait(false);
        var atUs = await ColdLatestUsAsync(store.Saver, Thread, at, compact).ConfigureAwait(false);
        if (n > at)
        {
            liveMax = Math.Max(liveMax, await RunW2StepsAsync(store.Saver, Thread, n, compact).ConfigureAwait(false));
        }

        var stored = await store.MeasureStoredBytesAsync().ConfigureAwait(false);
        var endUs = await ColdLatestUsAsync(store.Saver, Thread, n, compact).ConfigureAwait(false);
        var compactions = 0;
        await foreach (var tuple in store.Saver.ListAsync(new CheckpointFilter { ThreadId = Thread }).ConfigureAwait(false))
        {
            compactions += tuple.Checkpoint.Source == CheckpointSource.Compact ? 1 : 0;
        }

        Check(compactions == LongChat.Expected(n, compact).Compactions, $"{compactions} compactions, expected {LongChat.Expected(n, compact).Compactions}");
        return new W2Result
        {
            Saver = "?",
            N = n,
            Compactor = compact,
            LiveStateMaxBytes = liveMax,
            GetLatestUsAt500 = Round(atUs),
            GetLatestUsAtEnd = Round(endUs),
            StoredBytes = stored,
            Compactions = compactions,
            RawBytes = (long)n * MessageText.Length,
            Quick = quick,
        };
    }

    /// <summary>
    /// Runs the thread on to step <paramref name="steps"/>; returns the largest serialized Messages seen.
    /// With the compactor every step's state is measured (before its compaction); without it the list
    /// only grows, so the last state is the largest.
    /// </summary>
    private static async Task<long> RunW2StepsAsync(CheckpointSaver saver, string thread, int steps, bool compact)
    {
        var graph = LongChat.Build(steps, compact).Compile(saver);
        var config = ChatLoop.Config(thread, steps);
        long Size(ChatState state) => saver.Serializer.ToPayload<IReadOnlyList<Message>>(state.Messages).Length;
        if (!compact)
        {
            var final = await graph.InvokeAsync(new ChatState(), config).ConfigureAwait(false);
            Check(final.Step == steps, $"the run ended at step {final.Step}, not {steps}");
            return Size(final);
        }

        long max = 0;
        await foreach (var e in graph.StreamAsync(new ChatState(), config).ConfigureAwait(false))
        {
            if (e is StepCompleted<ChatState> step)
            {
                max = Math.Max(max, Size(step.Values));
            }
        }

        return max;
    }

    /// <summary>Get-latest through a reader with the chunk cache off; checks the state it reads.</summary>
    private async Task<double> ColdLatestUsAsync(CheckpointSaver saver, string thread, int step, bool compact)
    {
        await using var reader = new ColdReadSaver(saver);
        var graph = LongChat.Build(step, compact).Compile(reader);
        var config = ChatLoop.Config(thread, step);
        var expected = LongChat.Expected(step, compact).Messages;
        var text = MessageText.For(step);
        return await LatencyUsAsync(async () =>
        {
            var latest = (await graph.GetStateAsync(config).ConfigureAwait(false))!.Values;
            Check(latest.Step == step && latest.Messages.Count == expected && latest.Messages[^1].Content == text,
                $"the latest state at step {step} has Step {latest.Step} and {latest.Messages.Count} messages, expected {expected}");
        }).ConfigureAwait(false);
    }
}
