using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Re-encryption of bodies kept in record groups: each is taken out of its group and sealed in its row.</summary>
public sealed class SqliteReencryptionTests : IDisposable
{
    private const int Steps = 200;
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Grouped_plaintext_bodies_are_encrypted_in_their_rows_and_no_group_is_left()
    {
        var put = new List<CheckpointRecord>();
        await using (var plain = _database.CreateSaver())
        {
            CheckpointRecord? parent = null;
            for (var step = 1; step <= Steps; step++)
            {
                var record = TestRecords.Checkpoint("t", parent?.Id, step) with
                {
                    Metadata = new Dictionary<string, string> { ["step"] = $"step {step}" },
                };
                await plain.PutAsync(record, [], PutMode.Continue);
                put.Add(parent = record);
            }
        }

        Assert.True(await _database.CountAsync("SELECT count(*) FROM checkpoint_record_groups;") > 0);

        await using (var migrating = Open(readLegacyBlobs: true))
        {
            var summary = await migrating.ReencryptThreadAsync("t");
            Assert.Equal((Steps, (long)Steps, (long)Steps), (summary.Checkpoints, summary.Examined, summary.Rewritten));
            Assert.Equal(0, (await migrating.ReencryptThreadAsync("t")).Rewritten);
        }

        Assert.Equal(0L, await _database.CountAsync("SELECT count(*) FROM checkpoint_record_groups;"));
        Assert.Equal((long)Steps, await _database.CountAsync("SELECT count(*) FROM checkpoint_checkpoints;"));
        await using var strict = Open(readLegacyBlobs: false);
        var read = new List<CheckpointRecord>();
        await foreach (var tuple in strict.ListAsync(new CheckpointFilter { ThreadId = "t" }))
        {
            read.Add(tuple.Checkpoint);
        }

        put.Reverse();
        Assert.Equal(put.Select(r => (r.Id, r.ParentId, r.Step, r.Metadata["step"])), read.Select(r => (r.Id, r.ParentId, r.Step, r.Metadata["step"])));
    }

    private SqliteCheckpointSaver Open(bool readLegacyBlobs) => new(
        _database.ConnectionString,
        new SqliteCheckpointSaverOptions { Serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = Key, ReadLegacyBlobs = readLegacyBlobs }) });
}
