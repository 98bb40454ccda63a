using Checkpoint.Sqlite;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>SQLite: one new database file per store in <see cref="Directory"/>.</summary>
public sealed class SqliteTarget(string directory, bool keepFiles = false) : SaverTarget
{
    public string Directory { get; } = directory;

    public override string Name => "sqlite";

    public override Task<SaverStore> CreateStoreAsync(string label)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, $"{label}-{Unique()}.db");
        return Task.FromResult<SaverStore>(new Store(path, keepFiles));
    }

    /// <summary>The db file + WAL + shm (each counted when present).</summary>
    public static long FileBytes(string path) =>
        new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists).Sum(file => new FileInfo(file).Length);

    private sealed class Store(string path, bool keepFiles) : SaverStore
    {
        private SqliteCheckpointSaver _saver = Open(path);

        public string Path => path;

        public override CheckpointSaver Saver => _saver;

        public override Task InitializeAsync() => _saver.InitializeAsync();

        public override async Task<long?> MeasureStoredBytesAsync()
        {
            await _saver.DisposeAsync().ConfigureAwait(false);
            var bytes = FileBytes(path);
            _saver = Open(path);
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

        private static SqliteCheckpointSaver Open(string path) => new($"Data Source={path}");
    }
}
