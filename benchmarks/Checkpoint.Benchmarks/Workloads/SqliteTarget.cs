using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// SQLite: one new database file per store in <see cref="Directory"/>; with a thread time to live, named <c>sqlite-ttl</c>;
/// with Deflate blocks (<see cref="SerializerOptions.BlockCompression"/>; the default is LZ4 HC), <c>sqlite-deflate</c>, and
/// with LZ4 named explicitly, <c>sqlite-lz4</c> (the default's blocks, under the name runs before the default changed used);
/// with WAL checkpoints inside the puts, as SQLite does by default
/// (<see cref="SqliteCheckpointSaverOptions.BackgroundWalCheckpoints"/> off), <c>sqlite-inline-wal</c>; reading through a memory
/// map (<see cref="SqliteCheckpointSaverOptions.MemoryMapBytes"/>), <c>sqlite-mmap</c>, <c>sqlite-deflate-mmap</c> and <c>sqlite-lz4-mmap</c>.
/// </summary>
public sealed class SqliteTarget(
    string directory, bool keepFiles = false, TimeSpan? threadTimeToLive = null, BlockCompression? blockCompression = null,
    bool backgroundWalCheckpoints = true, long memoryMapBytes = 0) : SaverTarget
{
    public string Directory { get; } = directory;

    /// <summary>The memory map of the <c>-mmap</c> variants: 256 MiB, more than any benchmark file.</summary>
    public const long MappedBytes = 256L << 20;

    public override string Name => (threadTimeToLive, blockCompression, backgroundWalCheckpoints, memoryMapBytes > 0) switch
    {
        (not null, _, _, _) => "sqlite-ttl",
        (_, BlockCompression.Lz4, _, true) => "sqlite-lz4-mmap",
        (_, BlockCompression.Lz4, _, _) => "sqlite-lz4",
        (_, BlockCompression.Deflate, _, true) => "sqlite-deflate-mmap",
        (_, BlockCompression.Deflate, _, _) => "sqlite-deflate",
        (_, _, false, _) => "sqlite-inline-wal",
        (_, _, _, true) => "sqlite-mmap",
        _ => "sqlite",
    };

    public override Task<SaverStore> CreateStoreAsync(string label)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{label}-{Unique()}.db");
        return Task.FromResult<SaverStore>(new Store(path, keepFiles, new SqliteCheckpointSaverOptions
        {
            ThreadTimeToLive = threadTimeToLive,
            BackgroundWalCheckpoints = backgroundWalCheckpoints,
            MemoryMapBytes = memoryMapBytes,
            Serializer = new CheckpointSerializer(blockCompression is { } codec ? new SerializerOptions { BlockCompression = codec } : new SerializerOptions()),
        }));
    }

    /// <summary>The db file + WAL + shm (each counted when present).</summary>
    public static long FileBytes(string path) =>
        new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Sum(file => new FileInfo(file).Length);

    private sealed class Store(string path, bool keepFiles, SqliteCheckpointSaverOptions options) : SaverStore
    {
        private SqliteCheckpointSaver _saver = new($"Data Source={path}", options);

        public string Path => path;

        public override CheckpointSaver Saver => _saver;

        public override Task InitializeAsync() => _saver.InitializeAsync();

        public override async Task<long?> MeasureStoredBytesAsync()
        {
            await _saver.DisposeAsync().ConfigureAwait(false);
            var bytes = FileBytes(path);
            _saver = new SqliteCheckpointSaver($"Data Source={path}", options);
            return bytes;
        }

        public override async ValueTask DisposeAsync()
        {
            await _saver.DisposeAsync().ConfigureAwait(false);
            if (!keepFiles)
            {
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(file);
                }
            }
        }
    }
}
