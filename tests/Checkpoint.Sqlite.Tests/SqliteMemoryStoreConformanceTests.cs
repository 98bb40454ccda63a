using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The memory store conformance suite on a fresh SQLite file per store.</summary>
public sealed class SqliteMemoryStoreConformanceTests : MemoryStoreConformanceTests, IDisposable
{
    private readonly List<TempDatabase> _databases = [];

    protected override Task<MemoryStore> CreateStoreAsync(MemoryStoreOptions options)
    {
        var database = new TempDatabase();
        _databases.Add(database);
        return Task.FromResult<MemoryStore>(new SqliteMemoryStore(database.Path, options));
    }

    protected override Task<MemoryStore?> OpenSharedStoreAsync(MemoryStoreOptions options) =>
        Task.FromResult<MemoryStore?>(new SqliteMemoryStore(_databases[0].Path, options));

    protected override async Task<(long Items, long HistoryRows)?> CountStoredRowsAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(_databases[0].RawConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM checkpoint_memories), (SELECT count(*) FROM checkpoint_memory_history WHERE kind >= 0);";
        await using var reader = await command.ExecuteReaderAsync();
        _ = await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }
}
