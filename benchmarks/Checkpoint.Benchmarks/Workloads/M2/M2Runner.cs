using Checkpoint.Memory.MiniLM;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// Runs the M2 workloads (issue 10) named in <c>--workloads</c> (<c>m2</c> = all three, or <c>m2-lifecycle</c>,
/// <c>m2-dedup</c>, <c>m2-erase</c>) on the stores named in <c>--savers</c>, one JSON line each on stdout.
/// </summary>
public sealed class M2Runner(TextWriter stdout, TextWriter stderr, M2Settings settings, bool quick, string directory, bool keep, bool requireAll)
{
    /// <summary>True when <paramref name="workloads"/> names any M2 workload.</summary>
    public static bool Wanted(IReadOnlyCollection<string> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        return workloads.Any(w => w == "m2" || w.StartsWith("m2-", StringComparison.Ordinal));
    }

    /// <summary>Runs them; returns 0, or 2 when <c>--require-all</c> and a store is not available.</summary>
    public async Task<int> RunAsync(IReadOnlyCollection<string> workloads, IReadOnlyList<string> stores)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        ArgumentNullException.ThrowIfNull(stores);
        bool Runs(string name) => workloads.Contains("m2") || workloads.Contains(name);
        if (Runs("m2-lifecycle"))
        {
            foreach (var name in stores)
            {
                var clock = new FakeTimeProvider(M2Lifecycle.Start);
                var lifecycle = new M2Lifecycle(stderr, settings, quick);
                await using var target = await M2Targets.CreateStoreAsync(name, "m2-life", lifecycle.StoreOptions(clock), directory, keep, stderr).ConfigureAwait(false);
                if (target is null)
                {
                    if (Missing(name))
                    {
                        return 2;
                    }

                    continue;
                }

                await EmitAsync((await lifecycle.RunAsync(target, clock).ConfigureAwait(false)).ToJson()).ConfigureAwait(false);
            }
        }

        if (Runs("m2-dedup"))
        {
            var dedup = new M2Dedup(stderr, settings, quick);
            foreach (var name in stores)
            {
                foreach (var mode in new[] { "write", "sweep" })
                {
                    var clock = new FakeTimeProvider(M2Lifecycle.Start);
                    using var embedder = settings.Embedder == "minilm"
                        ? new MiniLmEmbeddingGenerator()
                        : (IEmbeddingGenerator<string, Embedding<float>>)new BagOfWordsEmbeddingGenerator();
                    await using var target = await M2Targets.CreateStoreAsync(name, "m2-dedup", M2Dedup.StoreOptions(mode, embedder, clock), directory, keep, stderr)
                        .ConfigureAwait(false);
                    if (target is null)
                    {
                        if (Missing(name))
                        {
                            return 2;
                        }

                        break;
                    }

                    await EmitAsync((await dedup.RunAsync(target, mode, embedder, clock).ConfigureAwait(false)).ToJson()).ConfigureAwait(false);
                }
            }
        }

        if (Runs("m2-erase"))
        {
            var erase = new M2Erase(stderr, settings, quick);
            foreach (var name in stores)
            {
                using var embedder = new BagOfWordsEmbeddingGenerator();
                await using var target = await M2Targets.CreateEraseAsync(name, M2Erase.StoreOptions(embedder), M2Erase.Plain, directory, keep, stderr).ConfigureAwait(false);
                if (target is null)
                {
                    if (Missing(name))
                    {
                        return 2;
                    }

                    continue;
                }

                await EmitAsync((await erase.RunAsync(target).ConfigureAwait(false)).ToJson()).ConfigureAwait(false);
            }
        }

        return 0;
    }

    // A store that cannot run (unset server variable, no such store) fails the run only with --require-all and a server store.
    private bool Missing(string name)
    {
        if (requireAll && name is "postgres" or "redis" && SaverTargets.Available().All(available => available != name))
        {
            stderr.WriteLine($"--require-all: store '{name}' is not available.");
            return true;
        }

        return false;
    }

    private async Task EmitAsync(string line)
    {
        await stdout.WriteLineAsync(line).ConfigureAwait(false);
        await stdout.FlushAsync().ConfigureAwait(false);
    }
}
