using Checkpoint.Memory;
using Checkpoint.Postgres;
using Checkpoint.Sqlite;
using Microsoft.Data.Sqlite;

namespace Checkpoint.Benchmarks.Workloads.M3;

/// <summary>
/// An M3-shared store opened by name and location (a SQLite file, a PostgreSQL schema), the same way in the watching
/// process and in every writer process.
/// </summary>
public sealed class M3Store : IAsyncDisposable
{
    private readonly Func<ValueTask> _close;

    private M3Store(MemoryStore store, Func<ValueTask> close)
    {
        Store = store;
        _close = close;
    }

    /// <summary>The namespace every writer updates.</summary>
    public static MemoryNamespace Namespace { get; } = MemoryNamespace.Of("m3", "shared");

    /// <summary>The stores M3 runs on: those several processes share.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sqlite", "postgres"];

    public MemoryStore Store { get; }

    /// <summary>The key of shared item <paramref name="index"/>.</summary>
    public static string Key(int index) => $"item-{index:D3}";

    /// <summary>Opens (creating and migrating when needed) the store at <paramref name="location"/>.</summary>
    public static async Task<M3Store> OpenAsync(string name, string location)
    {
        var options = new MemoryStoreOptions { RecordAccess = false };
        switch (name)
        {
            case "sqlite":
                var sqlite = new SqliteMemoryStore(location, options);
                await sqlite.InitializeAsync().ConfigureAwait(false);
                return new M3Store(sqlite, sqlite.DisposeAsync);
            case "postgres":
                var connectionString = Environment.GetEnvironmentVariable(SaverTargets.PostgresVariable)
                    ?? throw new InvalidOperationException($"M3-shared on postgres needs {SaverTargets.PostgresVariable}.");
                var dataSource = PostgresDataSources.Create(connectionString);
                var postgres = new PostgresMemoryStore(dataSource, options, new PostgresMemoryStoreOptions { Schema = location });
                await postgres.InitializeAsync().ConfigureAwait(false);
                return new M3Store(postgres, async () =>
                {
                    await postgres.DisposeAsync().ConfigureAwait(false);
                    await dataSource.DisposeAsync().ConfigureAwait(false);
                });
            default:
                throw new ArgumentException($"M3-shared runs on {string.Join(" and ", Names)}, not '{name}'.", nameof(name));
        }
    }

    /// <summary>Removes what <see cref="OpenAsync"/> created at <paramref name="location"/>.</summary>
    public static async Task DeleteAsync(string name, string location)
    {
        if (name == "sqlite")
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { location, location + "-wal", location + "-shm" })
            {
                File.Delete(file);
            }

            return;
        }

        await using var dataSource = PostgresDataSources.Create(Environment.GetEnvironmentVariable(SaverTargets.PostgresVariable)!);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{location}\" CASCADE;");
        _ = await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _close();
}
