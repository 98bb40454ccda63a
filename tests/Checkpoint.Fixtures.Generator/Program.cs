using Checkpoint;
using Checkpoint.Fixtures.Generator;
using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Microsoft.Data.Sqlite;

// Writes tests/fixtures/schema-v1.db and schema-v1-encrypted.db: the version 1 graph run until its interrupt.
// Run once and commit the files; the tests copy them and never regenerate them.
var directory = args.Length > 0 ? args[0] : Path.Combine("tests", "fixtures");
Directory.CreateDirectory(directory);
await WriteAsync(Path.Combine(directory, "schema-v1.db"), serializer: null);
await WriteAsync(Path.Combine(directory, "schema-v1-encrypted.db"), new CheckpointSerializer(new SerializerOptions { EncryptionKey = FixtureKeys.Key }));
return 0;

static async Task WriteAsync(string path, CheckpointSerializer? serializer)
{
    foreach (var suffix in new[] { "", "-wal", "-shm" })
    {
        File.Delete(path + suffix);
    }

    var connection = $"Data Source={path};Pooling=False";
    await using (var saver = new SqliteCheckpointSaver(connection, new SqliteCheckpointSaverOptions { Serializer = serializer }))
    {
        var graph = ShopGraphV1.Build().Compile(saver);
        var result = await graph.RunAsync(new ShopStateV1(), RunConfig.ForThread(ShopGraphV1.ThreadId));
        Console.WriteLine($"{path}: stopped at step {result.Step}, interrupted: {result.Interrupts.Count > 0}");
    }

    // One self-contained file: the WAL folded in, free pages dropped.
    await using var raw = new SqliteConnection(connection);
    await raw.OpenAsync();
    await using var command = raw.CreateCommand();
    command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE; VACUUM;";
    await command.ExecuteNonQueryAsync();
}
