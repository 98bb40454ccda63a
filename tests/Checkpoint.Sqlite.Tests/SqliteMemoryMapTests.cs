using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// <see cref="SqliteCheckpointSaverOptions.MemoryMapBytes"/>: the saver's connections read the database file through a
/// mapping only when it is set (seen in this process's memory maps, Linux), and reads and writes give the same results.
/// </summary>
public sealed class SqliteMemoryMapTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(0L)]
    [InlineData(64L << 20)]
    public async Task The_database_file_is_mapped_only_when_asked_and_reads_the_same(long bytes)
    {
        Assert.True(OperatingSystem.IsLinux(), "this test reads /proc/self/maps");
        await using var saver = new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { MemoryMapBytes = bytes });
        var (blob, last) = await TestRecords.PutChainAsync(saver, "t", 40);

        // Pages reach the file at a checkpoint; only then is there something of it to map.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(_database.RawConnectionString))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            _ = await command.ExecuteScalarAsync();
        }

        var latest = await saver.GetAsync("t", "", null);
        var chunks = await saver.ReadChunksAsync("t", "", [new BlobRun(blob, 40)]);

        Assert.Equal(last, latest!.Checkpoint.Id);
        Assert.Equal(40, chunks.Count);
        Assert.Equal(bytes > 0, DatabaseFileIsMapped());
    }

    [Fact]
    public void A_negative_size_is_refused_naming_the_option()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { MemoryMapBytes = -1 }));
        Assert.Contains("MemoryMapBytes", error.Message, StringComparison.Ordinal);
    }

    private bool DatabaseFileIsMapped() =>
        File.ReadLines("/proc/self/maps").Any(line => line.EndsWith(" " + _database.Path, StringComparison.Ordinal));
}
