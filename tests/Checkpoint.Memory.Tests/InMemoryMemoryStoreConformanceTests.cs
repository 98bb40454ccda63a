using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;

namespace Checkpoint.Memory.Tests;

/// <summary>The in-memory store passes the shared memory store conformance suite.</summary>
public sealed class InMemoryMemoryStoreConformanceTests : MemoryStoreConformanceTests
{
    protected override Task<MemoryStore> CreateStoreAsync(MemoryStoreOptions options) => Task.FromResult<MemoryStore>(new InMemoryMemoryStore(options));
}
