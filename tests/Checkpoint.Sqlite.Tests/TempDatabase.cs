using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>A database file in a fresh temp directory, deleted (with its WAL and SHM) on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    private readonly string _directory;

    public TempDatabase()
    {
        _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "checkpoint-sqlite-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Path = System.IO.Path.Combine(_directory, "checkpoints.db");
    }

    public string Path { get; }

    public string ConnectionString => $"Data Source={Path}";

    /// <summary>For raw connections in tests: no pooling, so closing really closes the file.</summary>
    public string RawConnectionString => $"Data Source={Path};Pooling=False";

    public SqliteCheckpointSaver CreateSaver() => new(ConnectionString);

    /// <summary>The whole number a query returns (a count), read on a raw connection.</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(RawConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The bytes of the database file, its WAL and its journal, as they are on disk (for scans of what is stored).</summary>
    public async Task<IReadOnlyList<byte[]>> RawFilesAsync()
    {
        var files = new List<byte[]>();
        foreach (var suffix in new[] { "", "-wal", "-journal" })
        {
            var path = Path + suffix;
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

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open elsewhere is removed with the temp directory later.
        }
    }
}
