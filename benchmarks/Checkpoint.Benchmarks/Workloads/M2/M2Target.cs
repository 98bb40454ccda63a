using Checkpoint.Memory;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// One backend under M2: a memory store and/or a checkpoint saver on one fresh file / schema / key prefix /
/// folder, how to count a marker in its stored bytes (null: nothing on disk to scan) and how to remove it.
/// </summary>
public sealed class M2Target(
    string name, MemoryStore? store, CheckpointSaver? saver, string scan, Func<string, Task<long>>? countMarker, Func<Task>? remove) : IAsyncDisposable
{
    /// <summary>The store name of the JSON lines (memory, sqlite, postgres, redis, markdown).</summary>
    public string Name => name;

    /// <summary>The memory store, or null (Redis has only a checkpoint saver).</summary>
    public MemoryStore? Store => store;

    /// <summary>The checkpoint saver on the same backend, or null (markdown holds only memories).</summary>
    public CheckpointSaver? Saver => saver;

    /// <summary>What <see cref="CountMarkerAsync"/> reads: <c>files</c>, <c>table-files</c>, <c>redis-values</c> or <c>none</c>.</summary>
    public string Scan => scan;

    /// <summary>Occurrences of <paramref name="marker"/> in the stored bytes, or null when there are none to read (in process).</summary>
    public async Task<long?> CountMarkerAsync(string marker) =>
        countMarker is null ? null : await countMarker(marker).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        if (saver is not null)
        {
            await saver.DisposeAsync().ConfigureAwait(false);
        }

        if (remove is not null)
        {
            await remove().ConfigureAwait(false);
        }
    }
}
