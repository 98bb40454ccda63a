namespace Checkpoint.Benchmarks.Workloads.M3;

/// <summary>Runs M3-shared (issue 15) on each store named in <c>--savers</c> that several processes can share.</summary>
public sealed class M3Runner(TextWriter stdout, TextWriter stderr, M3Settings settings, bool quick, string directory, bool keep, bool requireAll)
{
    /// <summary>True when <paramref name="workloads"/> names M3.</summary>
    public static bool Wanted(IReadOnlyCollection<string> workloads) => workloads.Contains("m3") || workloads.Contains("m3-shared");

    /// <summary>Runs it; returns 0, or 2 when <c>--require-all</c> and PostgreSQL is not available.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        foreach (var name in stores)
        {
            if (!M3Store.Names.Contains(name))
            {
                await stderr.WriteLineAsync($"skipping M3-shared on '{name}': it needs a store several processes share ({string.Join(", ", M3Store.Names)}).").ConfigureAwait(false);
                continue;
            }

            if (name == "postgres" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(SaverTargets.PostgresVariable)))
            {
                await stderr.WriteLineAsync($"skipping M3-shared on 'postgres': {SaverTargets.PostgresVariable} is not set.").ConfigureAwait(false);
                if (requireAll)
                {
                    return 2;
                }

                continue;
            }

            Directory.CreateDirectory(directory);
            var unique = Guid.NewGuid().ToString("N")[..8];
            var location = name == "sqlite" ? Path.Combine(directory, $"m3-shared-{unique}.db") : $"m3_shared_{unique}";
            try
            {
                var result = await new M3Shared(stderr, settings, quick).RunAsync(name, location).ConfigureAwait(false);
                await stdout.WriteLineAsync(result.ToJson()).ConfigureAwait(false);
                await stdout.FlushAsync().ConfigureAwait(false);
            }
            finally
            {
                if (keep)
                {
                    await stderr.WriteLineAsync($"M3-shared {name} kept: {location}").ConfigureAwait(false);
                }
                else
                {
                    await M3Store.DeleteAsync(name, location).ConfigureAwait(false);
                }
            }
        }

        return 0;
    }
}
