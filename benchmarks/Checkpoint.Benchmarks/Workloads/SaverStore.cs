using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// One fresh, empty store of one saver kind (a new SQLite file, PostgreSQL schema or Redis key
/// prefix) and the saver open on it. Disposing it closes the saver and deletes the store.
/// </summary>
public abstract class SaverStore : IAsyncDisposable
{
    /// <summary>The saver open on the store (may be a new instance after <see cref="MeasureStoredBytesAsync"/>).</summary>
    public abstract CheckpointSaver Saver { get; }

    /// <summary>
    /// The bytes the store takes now (SQLite: the saver is closed first and the db file, WAL and
    /// shm are summed, then a new saver is opened); null when the saver has no meaningful size.
    /// </summary>
    public abstract Task<long?> MeasureStoredBytesAsync();

    /// <summary>
    /// The bytes the store's live data takes: what is left once the store has reclaimed the space of deleted and
    /// replaced rows (PostgreSQL: after <c>VACUUM FULL</c> of its tables); null when that is the same as
    /// <see cref="MeasureStoredBytesAsync"/> (SQLite files have no free pages here, Redis frees memory at once).
    /// </summary>
    public virtual Task<long?> MeasureLiveBytesAsync() => Task.FromResult<long?>(null);

    /// <summary>Creates the schema when the saver does that lazily, so the empty size can be measured.</summary>
    public abstract Task InitializeAsync();

    public abstract ValueTask DisposeAsync();
}

/// <summary>A saver kind the workload runner can measure.</summary>
public abstract class SaverTarget : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>A new empty store; <paramref name="label"/> goes into its file / schema / prefix name.</summary>
    public abstract Task<SaverStore> CreateStoreAsync(string label);

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>A short unique suffix for store names.</summary>
    protected static string Unique() => Guid.NewGuid().ToString("N")[..10];
}

/// <summary>The in-memory saver (stores serialized bytes in process; stored_bytes is null).</summary>
public sealed class MemoryTarget : SaverTarget
{
    public override string Name => "memory";

    public override Task<SaverStore> CreateStoreAsync(string label) => Task.FromResult<SaverStore>(new Store());

    private sealed class Store : SaverStore
    {
        public override CheckpointSaver Saver { get; } = new InMemoryCheckpointSaver();

        public override Task<long?> MeasureStoredBytesAsync() => Task.FromResult<long?>(null);

        public override Task InitializeAsync() => Task.CompletedTask;

        public override ValueTask DisposeAsync() => Saver.DisposeAsync();
    }
}

/// <summary>The "no saver" baseline: <see cref="NullCheckpointSaver"/>.</summary>
public sealed class NullTarget : SaverTarget
{
    public override string Name => "none";

    public override Task<SaverStore> CreateStoreAsync(string label) => Task.FromResult<SaverStore>(new Store());

    private sealed class Store : SaverStore
    {
        public override CheckpointSaver Saver { get; } = new NullCheckpointSaver();

        public override Task<long?> MeasureStoredBytesAsync() => Task.FromResult<long?>(null);

        public override Task InitializeAsync() => Task.CompletedTask;

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
