using Checkpoint.Conformance.Encryption;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The encryption guarantees, scanning the raw database file and its WAL.</summary>
public sealed class SqliteEncryptedStorageTests : EncryptedStorageTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override CheckpointSaver Open(CheckpointSerializer serializer) =>
        new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { Serializer = serializer });

    protected override async Task<IReadOnlyList<byte[]>> RawBytesAsync()
    {
        var files = new List<byte[]>();
        foreach (var suffix in new[] { "", "-wal", "-journal" })
        {
            var path = _database.Path + suffix;
            if (File.Exists(path))
            {
                // Shared read: a pooled connection may still hold the file open.
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                files.Add(copy.ToArray());
            }
        }

        Assert.NotEmpty(files);
        return files;
    }

    public void Dispose() => _database.Dispose();
}
