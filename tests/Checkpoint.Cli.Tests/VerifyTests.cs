using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Microsoft.Data.Sqlite;
using QuickStart;
using Xunit;

namespace Checkpoint.Cli.Tests;

/// <summary><c>ckpt verify</c> on intact files and on files with a flipped byte in a stored blob.</summary>
public sealed class VerifyTests : IClassFixture<TestDatabases>
{
    private readonly TestDatabases _databases;

    public VerifyTests(TestDatabases databases) => _databases = databases;

    [Fact]
    public async Task An_intact_database_verifies()
    {
        var path = await _databases.QuickStartAsync();
        var (code, output) = await Ckpt.RunAsync("verify", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("OK: 7 checkpoints in 1 thread, every blob intact.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_chunk_fails_and_lists_exactly_the_checkpoints_that_need_it()
    {
        var path = await _databases.QuickStartAsync();
        await FlipByteAsync(path, "checkpoint_chunks", "data", "chunk = (SELECT max(chunk) FROM checkpoint_chunks)");

        var (code, output) = await Ckpt.RunAsync("verify", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("DAMAGED", output, StringComparison.Ordinal);

        // The same checkpoints fail to load with the application's types.
        var unreadable = await UnreadableAsync(path);
        Assert.NotEmpty(unreadable);
        Assert.True(unreadable.Count < 7);
        foreach (var id in unreadable)
        {
            Assert.Contains(id.ToString(), output, StringComparison.Ordinal);
        }

        Assert.Contains($"DAMAGED: {unreadable.Count} of 7 checkpoints in 1 thread", output, StringComparison.Ordinal);
        Assert.Contains("channel 'Messages': checksum mismatch", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_pending_write_is_found()
    {
        var path = _databases.NewPath();
        await using (var saver = new SqliteCheckpointSaver(path))
        {
            await TestDatabases.PausedThreadAsync(saver, "t");
        }

        await FlipByteAsync(path, "checkpoint_writes", "value", "channel = '__interrupt__'");
        var (code, output) = await Ckpt.RunAsync("verify", "t", "--db", "sqlite:" + path);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("DAMAGED: 1 of 2 checkpoints in 1 thread", output, StringComparison.Ordinal);
        Assert.Contains("channel '__interrupt__'", output, StringComparison.Ordinal);
    }

    /// <summary>Flips every bit of one byte in the middle of the blob in the row <paramref name="where"/> finds, as disk damage would.</summary>
    internal static async Task FlipByteAsync(string path, string table, string column, string where)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = $"SELECT {column} FROM {table} WHERE {where} LIMIT 1";
        var original = (byte[])(await read.ExecuteScalarAsync())!;
        var data = original.ToArray();
        data[data.Length / 2] ^= 0xFF;
        await using var write = connection.CreateCommand();
        write.CommandText = $"UPDATE {table} SET {column} = $data WHERE {where} AND {column} = $original";
        write.Parameters.AddWithValue("$data", data);
        write.Parameters.AddWithValue("$original", original);
        Assert.Equal(1, await write.ExecuteNonQueryAsync());
    }

    /// <summary>The checkpoints the application itself cannot load (no chunk cache, so each read goes to the file).</summary>
    private static async Task<List<Guid>> UnreadableAsync(string path)
    {
        await using var saver = new SqliteCheckpointSaver(path, new SqliteCheckpointSaverOptions { ChunkCacheBytes = 0 });
        var ids = await ReadCommandTests.IdsAsync(path, "user-42");
        var graph = ChatAgent.Build(saver);
        var unreadable = new List<Guid>();
        foreach (var tuple in ids)
        {
            try
            {
                _ = await graph.GetStateAsync(tuple.Checkpoint.Id);
            }
            catch (CorruptCheckpointException)
            {
                unreadable.Add(tuple.Checkpoint.Id);
            }
        }

        return unreadable;
    }
}
