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

    public void Dispose()
    {
        foreach (var database in _databases)
        {
            database.Dispose();
        }
    }
}
