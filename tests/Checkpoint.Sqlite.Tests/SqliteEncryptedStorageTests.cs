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

    protected override Task<IReadOnlyList<byte[]>> RawBytesAsync() => _database.RawFilesAsync();

    public void Dispose() => _database.Dispose();
}
