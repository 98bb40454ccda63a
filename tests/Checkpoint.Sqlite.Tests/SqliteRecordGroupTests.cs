using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Record groups (schema version 4): older checkpoints' bodies live compressed together, and every read,
/// prune, copy, re-put and delete sees exactly the records that were put, with no deleted body left in a group.
/// </summary>
public sealed class SqliteRecordGroupTests : IDisposable
{
    private const int Steps = 200;
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Older_records_are_grouped_and_every_checkpoint_reads_as_it_was_put()
    {
        await using var saver = _database.CreateSaver();
        var records = await PutChainAsync(saver, "long", Steps);

        var (grouped, loose) = await CountRowsAsync();
        Assert.InRange(grouped, Steps - SqliteRecordGroups.KeepLoose - SqliteRecordGroups.GroupSize - SqliteRecordGroups.Every, Steps - SqliteRecordGroups.KeepLoose);
        Assert.Equal(Steps, grouped + loose);

        foreach (var record in records)
        {
            AssertSame(record, (await saver.GetByIdAsync(record.Id))!.Checkpoint);
            AssertSame(record, (await saver.GetAsync("long", "", record.Id))!.Checkpoint);
        }

        AssertSame(records[^1], (await saver.GetAsync("long", "", null))!.Checkpoint);
        var listed = new List<CheckpointRecord>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = "long" }))
        {
            listed.Add(tuple.Checkpoint);
        }

        Assert.Equal(records.Count, listed.Count);
        foreach (var (put, read) in records.AsEnumerable().Reverse().Zip(listed))
        {
            AssertSame(put, read);
        }

        var before = new List<CheckpointRecord>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = "long", Before = records[100].Id, Limit = 3 }))
        {
            before.Add(tuple.Checkpoint);
        }

        Assert.Equal(records[97..100].Select(r => r.Id).Reverse(), before.Select(r => r.Id));
    }

    [Fact]
    public async Task A_thinning_prune_leaves_no_deleted_body_in_a_group_and_the_rest_reads_as_put()
    {
        await using var saver = _database.CreateSaver();
        var records = await PutChainAsync(saver, "thin", Steps);

        foreach (var record in records)
        {
            _ = await saver.GetByIdAsync(record.Id); // groups decoded and cached before the prune releases them
        }

        var deleted = await saver.PruneAsync("thin", RetentionPolicy.EveryKthStep(3).KeepingLatest(5));

        Assert.True(deleted > 100);
        var kept = new List<CheckpointRecord>();
        foreach (var record in records)
        {
            if ((await saver.GetByIdAsync(record.Id))?.Checkpoint is { } read)
            {
                Assert.Equal(record.Step, read.Step);
                Assert.Equal(record.Metadata, read.Metadata);
                kept.Add(record);
            }
        }

        Assert.Equal(Steps - deleted, kept.Count);
        var keptBodies = kept.Select(record => Convert.ToHexString(CheckpointRecordCodec.Encode(record))).ToHashSet();
        var groups = await GroupsAsync();
        Assert.NotEmpty(groups); // the survivors of released groups were grouped again
        foreach (var body in groups.SelectMany(group => group.Bodies))
        {
            Assert.Contains(Convert.ToHexString(body), keptBodies);
        }

        Assert.Equal(await CountReferencesAsync(), groups.Sum(group => group.Bodies.Length));
    }

    [Fact]
    public async Task A_prune_to_the_latest_deletes_every_group_of_the_thread()
    {
        await using var saver = _database.CreateSaver();
        _ = await PutChainAsync(saver, "short", Steps);

        _ = await saver.PruneAsync("short", RetentionPolicy.Latest(4));

        Assert.Empty(await GroupsAsync());
        Assert.Equal((0, 4), await CountRowsAsync());
    }

    [Fact]
    public async Task Deleting_a_thread_deletes_its_groups_and_keeps_the_others()
    {
        await using var saver = _database.CreateSaver();
        _ = await PutChainAsync(saver, "gone", Steps);
        var stays = await PutChainAsync(saver, "stays", Steps);
        var groupsOfBoth = (await GroupsAsync()).Count;

        await saver.DeleteThreadAsync("gone");

        Assert.Equal(groupsOfBoth / 2, (await GroupsAsync()).Count);
        AssertSame(stays[3], (await saver.GetByIdAsync(stays[3].Id))!.Checkpoint);
    }

    [Fact]
    public async Task A_copied_thread_owns_its_bodies_and_reads_after_the_source_is_deleted()
    {
        await using var saver = _database.CreateSaver();
        var records = await PutChainAsync(saver, "source", Steps);

        await saver.CopyThreadAsync("source", "copy");
        await saver.DeleteThreadAsync("source");

        var copied = new List<CheckpointRecord>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = "copy" }))
        {
            copied.Add(tuple.Checkpoint);
        }

        Assert.Equal(records.Select(r => r.Step).Reverse(), copied.Select(r => r.Step));
        Assert.Equal(records.Select(r => r.Metadata["step"]).Reverse(), copied.Select(r => r.Metadata["step"]));
    }

    [Fact]
    public async Task A_re_put_of_a_grouped_checkpoint_replaces_its_body_everywhere()
    {
        await using var saver = _database.CreateSaver();
        var records = await PutChainAsync(saver, "again", Steps);
        var old = records[10];
        Assert.True(await IsGroupedAsync(old.Id));
        foreach (var record in records)
        {
            AssertSame(record, (await saver.GetByIdAsync(record.Id))!.Checkpoint); // every group decoded and cached
        }

        var replaced = old with { Metadata = new Dictionary<string, string> { ["step"] = "replaced" } };

        await saver.PutAsync(replaced, [], PutMode.Continue);

        AssertSame(replaced, (await saver.GetByIdAsync(old.Id))!.Checkpoint);
        var oldBody = CheckpointRecordCodec.Encode(old);
        Assert.DoesNotContain(await GroupsAsync(), group => group.Bodies.Any(body => body.AsSpan().SequenceEqual(oldBody)));
        foreach (var record in records.Where(r => r.Id != old.Id))
        {
            AssertSame(record, (await saver.GetByIdAsync(record.Id))!.Checkpoint);
        }
    }

    [Fact]
    public async Task A_version_3_database_is_migrated_and_its_records_are_grouped_as_the_thread_goes_on()
    {
        var tables = new SqliteTables(SqliteCheckpointSaverOptions.DefaultTablePrefix);
        var first = TestRecords.Checkpoint("old", null, 0);
        await using (var connection = new SqliteConnection(_database.RawConnectionString))
        {
            await connection.OpenAsync();
            await SqliteSchema.MigrateAsync(connection, tables, targetVersion: 3);
            using var insert = connection.CreateCommand();
            insert.CommandText =
                "INSERT INTO checkpoint_names (id, owner, name) VALUES (1, 0, 'old'), (2, 1, ''); " +
                "INSERT INTO checkpoint_checkpoints (scope, id, parent, body) VALUES (2, $id, x'', $body);";
            insert.Parameters.AddWithValue("$id", first.Id.ToByteArray(bigEndian: true));
            insert.Parameters.AddWithValue("$body", CheckpointRecordCodec.Encode(first));
            _ = await insert.ExecuteNonQueryAsync();
            Assert.Null(await ScalarAsync(connection, "SELECT name FROM sqlite_master WHERE name = 'checkpoint_record_groups';"));
        }

        await using (var saver = _database.CreateSaver())
        {
            AssertSame(first, (await saver.GetByIdAsync(first.Id))!.Checkpoint);
            var records = new List<CheckpointRecord> { first };
            records.AddRange(await PutChainAsync(saver, "old", Steps, first));
            Assert.True(await IsGroupedAsync(first.Id));
            foreach (var record in records)
            {
                AssertSame(record, (await saver.GetByIdAsync(record.Id))!.Checkpoint);
            }
        }

        await using var check = new SqliteConnection(_database.RawConnectionString);
        await check.OpenAsync();
        Assert.Equal(SqliteSchema.LatestVersion, await SqliteSchema.ReadVersionAsync(check, tables, null));
    }

    [Fact]
    public async Task A_new_file_gets_small_pages_and_an_existing_file_keeps_its_own()
    {
        await using (var saver = _database.CreateSaver())
        {
            await saver.InitializeAsync();
        }

        using var other = new TempDatabase();
        await using (var connection = new SqliteConnection(other.RawConnectionString))
        {
            await connection.OpenAsync();
            _ = await ScalarAsync(connection, "PRAGMA page_size = 4096; CREATE TABLE app (x); SELECT 1;");
        }

        await using (var saver = other.CreateSaver())
        {
            await saver.PutAsync(TestRecords.Checkpoint("t", null, 0), [], PutMode.Continue);
        }

        await using var mine = new SqliteConnection(_database.RawConnectionString);
        await mine.OpenAsync();
        Assert.Equal((long)SqliteSchema.NewFilePageSize, await ScalarAsync(mine, "PRAGMA page_size;"));
        await using var theirs = new SqliteConnection(other.RawConnectionString);
        await theirs.OpenAsync();
        Assert.Equal(4096L, await ScalarAsync(theirs, "PRAGMA page_size;"));
    }

    /// <summary>Puts a chain of Continue checkpoints with steps 1.. (after <paramref name="after"/> when given).</summary>
    private static async Task<List<CheckpointRecord>> PutChainAsync(CheckpointSaver saver, string thread, int count, CheckpointRecord? after = null)
    {
        var blob = Guid.CreateVersion7();
        var records = new List<CheckpointRecord>(count);
        var parent = after;
        for (var i = 0; i < count; i++)
        {
            var record = TestRecords.Checkpoint(thread, parent?.Id, (parent?.Step ?? 0) + 1, blob);
            await saver.PutAsync(record, [], PutMode.Continue);
            records.Add(record);
            parent = record;
        }

        return records;
    }

    private static void AssertSame(CheckpointRecord expected, CheckpointRecord actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.ThreadId, actual.ThreadId);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Assert.Equal(expected.ParentId, actual.ParentId);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        Assert.Equal(CheckpointRecordCodec.Encode(expected), CheckpointRecordCodec.Encode(actual));
    }

    private async Task<(int Grouped, int Loose)> CountRowsAsync()
    {
        await using var connection = new SqliteConnection(_database.RawConnectionString);
        await connection.OpenAsync();
        var grouped = (long)(await ScalarAsync(connection, "SELECT count(*) FROM checkpoint_checkpoints WHERE substr(body, 1, 1) = x'00';"))!;
        var loose = (long)(await ScalarAsync(connection, "SELECT count(*) FROM checkpoint_checkpoints WHERE substr(body, 1, 1) <> x'00';"))!;
        return ((int)grouped, (int)loose);
    }

    private async Task<int> CountReferencesAsync() => (await CountRowsAsync()).Grouped;

    private async Task<bool> IsGroupedAsync(Guid id)
    {
        await using var connection = new SqliteConnection(_database.RawConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM checkpoint_checkpoints WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id.ToByteArray(bigEndian: true));
        return SqliteRecordGroups.IsReference((byte[])(await command.ExecuteScalarAsync())!);
    }

    private async Task<List<(long Group, byte[][] Bodies)>> GroupsAsync()
    {
        await using var connection = new SqliteConnection(_database.RawConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grp, data FROM checkpoint_record_groups ORDER BY grp;";
        var groups = new List<(long, byte[][])>();
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            groups.Add((reader.GetInt64(0), RecordGroupCodec.Decode((byte[])reader.GetValue(1))));
        }

        return groups;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
