using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// SQLite: one new database file per store in <see cref="Directory"/>; with a thread time to live, named <c>sqlite-ttl</c>;
/// with LZ4 HC blocks (<see cref="SerializerOptions.BlockCompression"/>), <c>sqlite-lz4</c>; with WAL checkpoints inside
/// the puts, as SQLite does by default (<see cref="SqliteCheckpointSaverOptions.BackgroundWalCheckpoints"/> off), <c>sqlite-inline-wal</c>.
/// </summary>
public sealed class SqliteTarget(
    string directory, bool keepFiles = false, TimeSpan? threadTimeToLive = null, BlockCompression blockCompression = BlockCompression.Deflate,
    bool backgroundWalCheckpoints = true) : SaverTarget
{
    public string Directory { get; } = directory;

    public override string Name => (threadTimeToLive, blockCompression, backgroundWalCheckpoints) switch
    {
        (not null, _, _) => "sqlite-ttl",
        (_, BlockCompression.Lz4, _) => "sqlite-lz4",
        (_, _, false) => "sqlite-inline-wal",
        _ => "sqlite",
    };

    public override Task<SaverStore> CreateStoreAsync(string label)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{label}-{Unique()}.db");
        return Task.FromResult<SaverStore>(new Store(path, keepFiles, threadTimeToLive, blockCompression, backgroundWalCheckpoints));
    }

    /// <summary>The db file + WAL + shm (each counted when present).</summary>
    public static long FileBytes(string path) =>
        new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Sum(file => new FileInfo(file).Length);

    private sealed class Store(string path, bool keepFiles, TimeSpan? threadTimeToLive, BlockCompression blockCompression, bool backgroundWalCheckpoints)
        : SaverStore
    {
        private SqliteCheckpointSaver _saver = Open(path, threadTimeToLive, blockCompression, backgroundWalCheckpoints);

        public string Path => path;

        public override CheckpointSaver Saver => _saver;

        public override Task InitializeAsync() => _saver.InitializeAsync();

        public override async Task<long?> MeasureStoredBytesAsync()
        {
            await _saver.DisposeAsync().ConfigureAwait(false);
            var bytes = FileBytes(path);
            _saver = Open(path, threadTimeToLive, blockCompression, backgroundWalCheckpoints);
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

        private static SqliteCheckpointSaver Open(string path, TimeSpan? threadTimeToLive, BlockCompression blockCompression, bool backgroundWalCheckpoints) =>
            new($"Data Source={path}", new SqliteCheckpointSaverOptions
            {
                ThreadTimeToLive = threadTimeToLive,
                BackgroundWalCheckpoints = backgroundWalCheckpoints,
                Serializer = new CheckpointSerializer(new SerializerOptions { BlockCompression = blockCompression }),
            });
    }
}
