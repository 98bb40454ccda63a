using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Schema version 5 finds a checkpoint by id alone through <c>id_prefixes</c> (the scopes holding an id with given
/// first six bytes) instead of an index entry per checkpoint. Triggers keep that table exact: after every kind of
/// change it holds exactly the (prefix, scope) pairs of the stored checkpoints, and reads by id find every checkpoint.
/// </summary>
public sealed class SqliteIdPrefixTests : IDisposable
{
    private static readonly SqliteTables Tables = new(SqliteCheckpointSaverOptions.DefaultTablePrefix);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task The_prefix_table_follows_puts_grouping_prunes_copies_and_deletes()
    {
        await using var saver = _database.CreateSaver();
        _ = await TestRecords.PutChainAsync(saver, "a", 200); // long enough for record groups (deleted and inserted again)
        _ = await TestRecords.PutChainAsync(saver, "b", 40);
        await AssertExactAsync(saver, "after the puts");
        Assert.True(await _database.CountAsync("SELECT count(*) FROM checkpoint_record_groups;") > 0, "no record group was written");

        Assert.True(await saver.PruneAsync("a", RetentionPolicy.EveryKthStep(7)) > 0);
        await AssertExactAsync(saver, "after a thinning prune");

        await saver.CopyThreadAsync("a", "c");
        await AssertExactAsync(saver, "after a copy");

        await saver.DeleteThreadAsync("a");
        await AssertExactAsync(saver, "after a thread delete");
        Assert.Equal(0L, await _database.CountAsync(
            "SELECT count(*) FROM checkpoint_id_prefixes WHERE scope NOT IN (SELECT scope FROM checkpoint_checkpoints);"));
    }

    [Fact]
    public async Task A_version_4_file_gets_the_table_filled_from_its_rows()
    {
        var records = Enumerable.Range(0, 5).Select(i => TestRecords.Checkpoint($"old-{i % 2}", null, i)).ToList();
        await using (var connection = new SqliteConnection(_database.RawConnectionString))
        {
            await connection.OpenAsync();
            await SqliteSchema.MigrateAsync(connection, Tables, targetVersion: 4);
            using (var names = connection.CreateCommand())
            {
                names.CommandText = "INSERT INTO checkpoint_names (id, owner, name) VALUES (1, 0, 'old-0'), (2, 1, ''), (3, 0, 'old-1'), (4, 3, '');";
                _ = await names.ExecuteNonQueryAsync();
            }

            foreach (var record in records)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO checkpoint_checkpoints (scope, id, parent, body) VALUES ($scope, $id, x'', $body);";
                insert.Parameters.AddWithValue("$scope", record.ThreadId == "old-0" ? 2 : 4);
                insert.Parameters.AddWithValue("$id", record.Id.ToByteArray(bigEndian: true));
                insert.Parameters.AddWithValue("$body", CheckpointRecordCodec.Encode(record));
                _ = await insert.ExecuteNonQueryAsync();
            }
        }

        await using var saver = _database.CreateSaver();
        foreach (var record in records)
        {
            Assert.Equal(record.ThreadId, (await saver.GetByIdAsync(record.Id))?.Checkpoint.ThreadId);
        }

        Assert.Equal(0L, await _database.CountAsync("SELECT count(*) FROM sqlite_master WHERE name = 'checkpoint_checkpoints_by_id';"));
        await AssertExactAsync(saver, "after the migration");
    }

    [Fact]
    public async Task An_id_of_another_thread_is_refused_naming_the_thread_put_to()
    {
        await using var saver = _database.CreateSaver();
        var original = TestRecords.Checkpoint("first", null, 0);
        await saver.PutAsync(original, [], PutMode.Continue);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => saver.PutAsync(TestRecords.Checkpoint("second", null, 0) with { Id = original.Id }, [], PutMode.Continue));

        Assert.Contains(original.Id.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("'second'", error.Message, StringComparison.Ordinal);
        Assert.Null(await saver.GetAsync("second", "", null));
        await AssertExactAsync(saver, "after the refused put");
    }

    /// <summary>The table holds exactly the pairs the checkpoint rows imply, and every checkpoint is found by its id.</summary>
    private async Task AssertExactAsync(SqliteCheckpointSaver saver, string when)
    {
        var stored = await SqlFile.StringsAsync(_database, "SELECT hex(prefix) || ':' || scope FROM checkpoint_id_prefixes ORDER BY 1;");
        var implied = await SqlFile.StringsAsync(_database, "SELECT DISTINCT hex(substr(id, 1, 6)) || ':' || scope FROM checkpoint_checkpoints ORDER BY 1;");
        Assert.True(implied.SequenceEqual(stored), $"{when}: id_prefixes holds {stored.Count} pairs, the checkpoints imply {implied.Count}");
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter()))
        {
            Assert.Equal(tuple.Checkpoint.ThreadId, (await saver.GetByIdAsync(tuple.Checkpoint.Id))?.Checkpoint.ThreadId);
        }
    }
}
