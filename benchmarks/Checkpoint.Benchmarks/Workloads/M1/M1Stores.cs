using Checkpoint.Memory;
using Checkpoint.Sqlite;

namespace Checkpoint.Benchmarks.Workloads.M1;

/// <summary>A memory store under test, and the SQLite file behind it (null for the in-memory store).</summary>
public sealed class M1Store(string name, MemoryStore store, string? path, bool keepFile) : IAsyncDisposable
{
    public string Name => name;

    public MemoryStore Store => store;

    public string? Path => path;

    /// <summary>Closes the store and returns the file bytes (db + WAL + shm) now, or null without a file.</summary>
    public async Task<long?> CloseAndMeasureAsync()
    {
        await store.DisposeAsync().ConfigureAwait(false);
        return path is null ? null : SqliteTarget.FileBytes(path);
    }

    public async ValueTask DisposeAsync()
    {
        await store.DisposeAsync().ConfigureAwait(false);
        if (path is not null && !keepFile)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}

/// <summary>Creates an M1 store by name, or explains on stderr why it is skipped.</summary>
public static class M1Stores
{
    public static async Task<M1Store?> CreateAsync(string name, MemoryStoreOptions options, string directory, bool keepFile, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        switch (name)
        {
            case "memory":
                return new M1Store(name, new InMemoryMemoryStore(options), null, keepFile);
            case "sqlite":
                Directory.CreateDirectory(directory);
                var path = Path.Combine(directory, $"m1-{Guid.NewGuid().ToString("N")[..8]}.db");
                var store = new SqliteMemoryStore(path, options);
                await store.InitializeAsync().ConfigureAwait(false);
                if (keepFile)
                {
                    await stderr.WriteLineAsync($"M1 sqlite file: {path}").ConfigureAwait(false);
                }

                return new M1Store(name, store, path, keepFile);
            case "postgres":
                await stderr.WriteLineAsync("skipping M1 on 'postgres': there is no PostgreSQL memory store yet (issue 8).").ConfigureAwait(false);
                return null;
            default:
                await stderr.WriteLineAsync($"skipping M1 on '{name}': no memory store of that name (M1 runs on memory, sqlite).").ConfigureAwait(false);
                return null;
        }
    }
}
