namespace Checkpoint.Benchmarks.Workloads;

/// <summary>Creates a saver target by name, or explains on stderr why it is skipped.</summary>
public static class SaverTargets
{
    /// <summary>The savers that can run here: memory and sqlite, plus postgres / redis when their env var is set.</summary>
    public static IEnumerable<string> Available()
    {
        yield return "memory";
        yield return "sqlite";
    }

    public static async Task<SaverTarget?> CreateAsync(string name, string sqliteDirectory, bool keepFiles, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        switch (name)
        {
            case "memory":
                return new MemoryTarget();
            case "sqlite":
                return new SqliteTarget(sqliteDirectory, keepFiles);
            default:
                await stderr.WriteLineAsync($"skipping saver '{name}': unknown saver (known: memory, sqlite, postgres, redis).").ConfigureAwait(false);
                return null;
        }
    }
}
