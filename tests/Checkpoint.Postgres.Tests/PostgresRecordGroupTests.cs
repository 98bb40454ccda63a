using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Npgsql;
using Xunit;

namespace Checkpoint.Postgres.Tests;

/// <summary>
/// Record groups (schema version 4): older checkpoints leave <c>checkpoints</c> for <c>checkpoint_groups</c>, and every
/// read and write path still sees them as they were put.
/// </summary>
public sealed class PostgresRecordGroupTests : IAsyncLifetime
{
    private readonly string _schema = PostgresTestServer.NewSchema();
    private readonly List<string> _schemas = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var schema in _schemas.Append(_schema))
        {
            await PostgresTestServer.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task A_long_run_is_grouped_and_its_tables_shrink()
    {
        var loose = PostgresTestServer.NewSchema();
        _schemas.Add(loose);
        await using var grouping = PostgresTestServer.NewSaver(_schema);
        await using var plain = new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = loose, GroupOlderRecords = false });
        var records = await RunAsync(grouping, "t", 500);
        await RunAsync(plain, "t", 500);

        // All but the newest 16 to 47 are grouped, 32 to a row.
        var rows = await CountAsync(_schema, "checkpoints");
        var groups = await CountAsync(_schema, "checkpoint_groups");
        Assert.InRange(rows, 16, 16 + 47);
        Assert.Equal(500 - rows, groups * 32);
        Assert.Equal(500, await CountAsync(loose, "checkpoints"));
        // The checkpoints' rows take less than half the bytes (chunks stay as they are). Counted row by row as stored
        // (pg_column_size): file sizes, even after VACUUM FULL, keep the deleted loose rows while any other session's
        // snapshot can still see them, and other test classes run transactions alongside.
        var grouped = await RecordBytesAsync(_schema);
        var ungrouped = await RecordBytesAsync(loose);
        Assert.True(grouped < ungrouped / 2, $"{grouped} B grouped, {ungrouped} B not");

        // The whole history reads the same, newest first.
        var listed = await ListAsync(grouping, new CheckpointFilter { ThreadId = "t" });
        Assert.Equal(records.Select(record => record.Id).Reverse(), listed.Select(tuple => tuple.Checkpoint.Id));
        foreach (var (expected, actual) in records.AsEnumerable().Reverse().Zip(listed))
        {
            ConformanceData.AssertSameRecord(expected, actual.Checkpoint);
        }
    }

    [Fact]
    public async Task A_grouping_that_fails_leaves_the_put_stored_and_is_logged_and_the_next_grouping_step_catches_up()
    {
        var logs = new Checkpoint.Hosting.Tests.CapturingLoggerFactory();
        await using var saver = new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, LoggerFactory = logs });
        await saver.MigrateAsync();

        // Every new group row is refused (puts only read the table); rows already there are not checked.
        await ScalarAsync($"ALTER TABLE \"{_schema}\".checkpoint_groups ADD CONSTRAINT refuse_groups CHECK (false) NOT VALID; SELECT 0");
        var records = await RunAsync(saver, "t", 64);

        Assert.Equal(64, await CountAsync(_schema, "checkpoints"));
        Assert.Equal(0, await CountAsync(_schema, "checkpoint_groups"));
        var failures = logs.Entries.Where(entry => entry.Id.Id == 202).ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, failure => Assert.IsType<PostgresException>(failure.Exception));
        ConformanceData.AssertSameRecord(records[^1], (await saver.GetAsync("t", "", null))?.Checkpoint);

        await ScalarAsync($"ALTER TABLE \"{_schema}\".checkpoint_groups DROP CONSTRAINT refuse_groups; SELECT 0");
        records.AddRange(await RunAsync(saver, "t", 16, records[^1], firstStep: 64));

        Assert.True(await CountAsync(_schema, "checkpoint_groups") > 0);
        var listed = await ListAsync(saver, new CheckpointFilter { ThreadId = "t" });
        Assert.Equal(records.Select(record => record.Id).Reverse(), listed.Select(tuple => tuple.Checkpoint.Id));
    }

    [Fact]
    public async Task A_grouped_checkpoint_reads_the_same_by_thread_and_id_and_by_id_alone()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var records = await RunAsync(saver, "t", 64);
        var grouped = await GroupedIdsAsync();
        Assert.NotEmpty(grouped);
        foreach (var record in records.Where(record => grouped.Contains(record.Id)))
        {
            ConformanceData.AssertSameRecord(record, (await saver.GetAsync("t", "", record.Id))?.Checkpoint);
            ConformanceData.AssertSameRecord(record, (await saver.GetByIdAsync(record.Id))?.Checkpoint);
        }

        Assert.Null(await saver.GetAsync("other", "", records[3].Id));
        Assert.Null(await saver.GetAsync("t", "ns", records[3].Id));
        ConformanceData.AssertSameRecord(records[^1], (await saver.GetAsync("t", "", null))?.Checkpoint);
    }

    [Fact]
    public async Task Pending_writes_put_on_a_grouped_checkpoint_read_with_it()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var records = await RunAsync(saver, "t", 64);
        var grouped = records[4];
        Assert.Contains(grouped.Id, await GroupedIdsAsync());
        await saver.PutWritesAsync("t", "", grouped.Id, [Records.Write("b", 1), Records.Write("a", 0), Records.Write("a", 2)]);

        string[] Keys(CheckpointTuple? tuple) => [.. tuple!.PendingWrites.Select(write => $"{write.TaskId}/{write.Index}")];
        Assert.Equal(["a/0", "a/2", "b/1"], Keys(await saver.GetAsync("t", "", grouped.Id)));
        Assert.Equal(["a/0", "a/2", "b/1"], Keys(await saver.GetByIdAsync(grouped.Id)));
        var listed = await ListAsync(saver, new CheckpointFilter { ThreadId = "t" });
        Assert.Equal(["a/0", "a/2", "b/1"], Keys(listed.Single(tuple => tuple.Checkpoint.Id == grouped.Id)));
        Assert.All(listed.Where(tuple => tuple.Checkpoint.Id != grouped.Id), tuple => Assert.Empty(tuple.PendingWrites));
    }

    [Fact]
    public async Task A_page_before_a_grouped_checkpoint_takes_its_group_and_the_rows_around_it()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var records = await RunAsync(saver, "t", 80);
        // A checkpoint with metadata stays loose among grouped ones.
        var tagged = await PutAsync(saver, Plain("t", records[^1].Id, 80) with { Metadata = new Dictionary<string, string> { ["k"] = "v" } });
        records.Add(tagged);
        records.AddRange(await RunAsync(saver, "t", 48, parent: tagged, firstStep: 81));
        var grouped = await GroupedIdsAsync();
        var newestFirst = records.Select(record => record.Id).Reverse().ToList();
        foreach (var before in new[] { records[10].Id, records[40].Id, tagged.Id, records[^20].Id })
        {
            Assert.Contains(records[10].Id, grouped);
            var page = await ListAsync(saver, new CheckpointFilter { ThreadId = "t", Before = before, Limit = 7 });
            var expected = newestFirst.SkipWhile(id => id != before).Skip(1).Take(7);
            Assert.Equal(expected, page.Select(tuple => tuple.Checkpoint.Id));
        }

        var byMetadata = await ListAsync(saver, new CheckpointFilter { ThreadId = "t", Metadata = new Dictionary<string, string> { ["k"] = "v" } });
        Assert.Equal([tagged.Id], byMetadata.Select(tuple => tuple.Checkpoint.Id));
        var all = await ListAsync(saver, new CheckpointFilter { Limit = 300 });
        Assert.Equal(newestFirst, all.Select(tuple => tuple.Checkpoint.Id));

        // Limits that end inside the loose rows, inside a group, and beyond everything (with and without a bound).
        foreach (var limit in new[] { 1, 5, 20, 40, 100, 500 })
        {
            var page = await ListAsync(saver, new CheckpointFilter { ThreadId = "t", Limit = limit });
            Assert.Equal(newestFirst.Take(limit), page.Select(tuple => tuple.Checkpoint.Id));
            page = await ListAsync(saver, new CheckpointFilter { ThreadId = "t", Before = records[70].Id, Limit = limit });
            Assert.Equal(newestFirst.SkipWhile(id => id != records[70].Id).Skip(1).Take(limit), page.Select(tuple => tuple.Checkpoint.Id));
        }
    }

    [Fact]
    public async Task A_fork_from_a_grouped_checkpoint_releases_its_group_and_keeps_the_conflict_rules()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var records = await RunAsync(saver, "t", 64);
        var old = records[5];
        Assert.Contains(old.Id, await GroupedIdsAsync());

        var fork = await PutAsync(saver, Plain("t", old.Id, 6), PutMode.Branch);
        Assert.DoesNotContain(old.Id, await GroupedIdsAsync());
        ConformanceData.AssertSameRecord(fork, (await saver.GetAsync("t", "", fork.Id))?.Checkpoint);
        ConformanceData.AssertSameRecord(old, (await saver.GetAsync("t", "", old.Id))?.Checkpoint);

        // Continuing a parent whose child is grouped (the parent grouped too, or loose), or a thread with groups from
        // nothing, is a conflict.
        var tagged = await PutAsync(saver, Plain("t", records[^1].Id, 64) with { Metadata = new Dictionary<string, string> { ["k"] = "v" } });
        var after = await RunAsync(saver, "t", 64, parent: tagged, firstStep: 65);
        var grouped = await GroupedIdsAsync();
        Assert.Contains(records[20].Id, grouped);
        Assert.Contains(after[0].Id, grouped);
        Assert.DoesNotContain(tagged.Id, grouped);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(Plain("t", records[20].Id, 21), [], PutMode.Continue));
        await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(Plain("t", tagged.Id, 65), [], PutMode.Continue));
        await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(Plain("t", null, 0), [], PutMode.Continue));

        // A grouped id cannot be put in another thread; a re-put in its own thread replaces it.
        var member = (await GroupedIdsAsync()).First();
        await Assert.ThrowsAsync<InvalidOperationException>(() => saver.PutAsync(Plain("other", null, 0) with { Id = member }, [], PutMode.Branch));
        var original = records.Concat(after).Single(record => record.Id == member);
        await saver.PutAsync(original with { Step = 1000 }, [], PutMode.Branch);
        Assert.Equal(1000, (await saver.GetAsync("t", "", member))!.Checkpoint.Step);
    }

    [Fact]
    public async Task A_prune_leaves_no_pruned_checkpoint_in_any_group_and_regroups_the_rest()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var records = await RunAsync(saver, "t", 150);
        var deleted = await saver.PruneAsync("t", RetentionPolicy.EveryKthStep(3));
        Assert.True(deleted > 0);
        var kept = records.Where(record => record.Step % 3 == 0 || record == records[^1]).Select(record => record.Id).ToHashSet();
        var remaining = await ListAsync(saver, new CheckpointFilter { ThreadId = "t" });
        var remainingIds = remaining.Select(tuple => tuple.Checkpoint.Id).ToHashSet();
        Assert.Superset(kept, remainingIds);
        Assert.Equal(150 - deleted, remainingIds.Count);

        var gone = records.Where(record => !remainingIds.Contains(record.Id)).ToList();
        var (ids, bodies) = await GroupContentsAsync();
        Assert.NotEmpty(ids);
        Assert.Empty(gone.Select(record => record.Id).Intersect(ids));
        var goneBodies = gone.Select(record => Convert.ToHexString(CheckpointRecordCodec.Encode(record, CheckpointSerializer.Default))).ToHashSet();
        Assert.DoesNotContain(bodies, body => goneBodies.Contains(Convert.ToHexString(body)));
        foreach (var record in records.Where(record => remainingIds.Contains(record.Id)))
        {
            ConformanceData.AssertSameRecord(record, remaining.Single(tuple => tuple.Checkpoint.Id == record.Id).Checkpoint);
        }
    }

    [Fact]
    public async Task An_erased_subject_leaves_no_group_behind()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var root = await PutAsync(saver, Plain("ana", null, 0) with { Metadata = new Dictionary<string, string> { [RunConfig.SubjectMetadataKey] = "ana" } });
        await RunAsync(saver, "ana", 80, parent: root, firstStep: 1);
        await RunAsync(saver, "bo", 80);
        Assert.Equal(2, await ScalarAsync($"SELECT count(DISTINCT thread_id) FROM \"{_schema}\".checkpoint_groups"));

        var erasure = await saver.EraseSubjectAsync("ana");

        Assert.Equal(81, erasure.Checkpoints);
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".checkpoint_groups WHERE thread_id = 'ana'"));
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".checkpoints WHERE thread_id = 'ana'"));
        Assert.Equal(80, (await ListAsync(saver, new CheckpointFilter { ThreadId = "bo" })).Count);
    }

    [Fact]
    public async Task A_copy_holds_every_grouped_checkpoint_under_new_ids_and_is_grouped_too()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var records = await RunAsync(saver, "t", 100);
        await saver.PutWritesAsync("t", "", records[^1].Id, [Records.Write("task", 0)]);
        await saver.CopyThreadAsync("t", "copy");

        var source = await ListAsync(saver, new CheckpointFilter { ThreadId = "t" });
        var copy = await ListAsync(saver, new CheckpointFilter { ThreadId = "copy" });
        Assert.Equal(source.Select(tuple => tuple.Checkpoint.Step), copy.Select(tuple => tuple.Checkpoint.Step));
        var newIdOf = source.Zip(copy).ToDictionary(pair => pair.First.Checkpoint.Id, pair => pair.Second.Checkpoint.Id);
        foreach (var (original, copied) in source.Zip(copy))
        {
            Assert.Equal(original.Checkpoint.ParentId is { } parent ? newIdOf[parent] : null, copied.Checkpoint.ParentId);
            Assert.Equal("copy", copied.Checkpoint.ThreadId);
            ConformanceData.AssertSameChannels(original.Checkpoint.Channels, copied.Checkpoint.Channels);
        }

        Assert.Single(copy[0].PendingWrites);
        Assert.Equal(
            await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".checkpoint_groups WHERE thread_id = 't'"),
            await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".checkpoint_groups WHERE thread_id = 'copy'"));
    }

    [Fact]
    public async Task Re_encryption_seals_grouped_bodies_in_their_groups()
    {
        List<CheckpointRecord> records;
        await using (var plain = PostgresTestServer.NewSaver(_schema))
        {
            records = await RunAsync(plain, "t", 80, inline: true);
        }

        var key = new byte[32];
        key.AsSpan().Fill(7);
        var groupsBefore = await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".checkpoint_groups");
        Assert.True(groupsBefore > 0);
        await using (var migrating = new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions
        {
            Schema = _schema,
            Serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = key, ReadLegacyBlobs = true }),
        }))
        {
            var summary = await migrating.ReencryptThreadAsync("t");
            Assert.Equal(0, summary.Changed);
        }

        // Still grouped, now sealed: a saver that refuses plaintext reads every checkpoint.
        Assert.Equal(groupsBefore, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".checkpoint_groups"));
        var (_, bodies) = await GroupContentsAsync();
        var plainBodies = records.Select(record => Convert.ToHexString(CheckpointRecordCodec.Encode(record, CheckpointSerializer.Default))).ToHashSet();
        Assert.DoesNotContain(bodies, body => plainBodies.Contains(Convert.ToHexString(body)));
        await using var sealedOnly = new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions
        {
            Schema = _schema,
            Serializer = new CheckpointSerializer(new SerializerOptions { EncryptionKey = key }),
        });
        var listed = await ListAsync(sealedOnly, new CheckpointFilter { ThreadId = "t" });
        foreach (var (expected, actual) in records.AsEnumerable().Reverse().Zip(listed))
        {
            ConformanceData.AssertSameRecord(expected, actual.Checkpoint);
        }
    }

    [Fact]
    public async Task A_version_3_schema_with_data_migrates_reads_the_same_and_is_grouped_by_later_puts()
    {
        await PostgresTestServer.MigrateToAsync(_schema, 3);
        List<CheckpointRecord> records;
        await using (var legacy = new PostgresCheckpointSaver(
            PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions { Schema = _schema, AutoMigrate = false, GroupOlderRecords = false }))
        {
            records = await RunAsync(legacy, "t", 100);
        }

        await using var saver = PostgresTestServer.NewSaver(_schema);
        Assert.Equal(1, await saver.MigrateAsync());
        Assert.Equal(100, await CountAsync(_schema, "checkpoints"));
        var listed = await ListAsync(saver, new CheckpointFilter { ThreadId = "t" });
        Assert.Equal(records.Select(record => record.Id).Reverse(), listed.Select(tuple => tuple.Checkpoint.Id));

        // The thread goes on, and its first grouping step groups the old rows.
        records.AddRange(await RunAsync(saver, "t", 13, parent: records[^1], firstStep: 100));
        Assert.True(await CountAsync(_schema, "checkpoint_groups") >= 2);
        Assert.InRange(await CountAsync(_schema, "checkpoints"), 16, 16 + 31);
        listed = await ListAsync(saver, new CheckpointFilter { ThreadId = "t" });
        Assert.Equal(records.Select(record => record.Id).Reverse(), listed.Select(tuple => tuple.Checkpoint.Id));
        ConformanceData.AssertSameRecord(records[7], (await saver.GetByIdAsync(records[7].Id))?.Checkpoint);
    }

    [Fact]
    public async Task An_expired_thread_hides_its_groups_and_a_purge_or_a_new_put_deletes_them()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        await using var saver = new PostgresCheckpointSaver(PostgresTestServer.DataSource, new PostgresCheckpointSaverOptions
        {
            Schema = _schema, ThreadTimeToLive = TimeSpan.FromDays(1), TimeProvider = clock,
        });
        var expiring = await RunAsync(saver, "a", 64);
        await RunAsync(saver, "b", 64);
        Assert.NotNull(await saver.GetByIdAsync(expiring[3].Id));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Null(await saver.GetByIdAsync(expiring[3].Id));
        Assert.Null(await saver.GetAsync("a", "", expiring[3].Id));
        Assert.Empty(await ListAsync(saver, new CheckpointFilter { ThreadId = "a" }));

        // A put onto the expired thread starts it afresh; a purge removes the other one.
        await saver.PutAsync(Plain("a", null, 0), [], PutMode.Continue);
        Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM \"{_schema}\".checkpoint_groups WHERE thread_id = 'a'"));
        Assert.Equal(1, await saver.PurgeExpiredThreadsAsync());
        Assert.Equal(0, await CountAsync(_schema, "checkpoint_groups"));
    }

    [Fact]
    public async Task A_damaged_group_fails_reads_naming_the_thread_and_checkpoint()
    {
        await using var saver = PostgresTestServer.NewSaver(_schema);
        var records = await RunAsync(saver, "t", 64);
        await ScalarAsync($"UPDATE \"{_schema}\".checkpoint_groups SET data = overlay(data placing '\\xdeadbeef'::bytea from length(data) - 8) RETURNING 0");
        var grouped = records[3];

        var byThread = await Assert.ThrowsAsync<CorruptCheckpointException>(() => saver.GetAsync("t", "", grouped.Id));
        Assert.Equal("t", byThread.Location.ThreadId);
        Assert.Equal(grouped.Id, byThread.Location.CheckpointId);
        var byId = await Assert.ThrowsAsync<CorruptCheckpointException>(() => saver.GetByIdAsync(grouped.Id));
        Assert.Equal(grouped.Id, byId.Location.CheckpointId);
        await Assert.ThrowsAsync<CorruptCheckpointException>(() => ListAsync(saver, new CheckpointFilter { ThreadId = "t" }));

        // The loose newest checkpoints still read.
        ConformanceData.AssertSameRecord(records[^1], (await saver.GetAsync("t", "", null))?.Checkpoint);
    }

    private static CheckpointRecord Plain(string thread, Guid? parent, int step, string ns = "", params BlobRun[] runs) =>
        Records.Checkpoint(thread, parent, step, ns, runs) with { Metadata = new Dictionary<string, string>() };

    private static async Task<CheckpointRecord> PutAsync(PostgresCheckpointSaver saver, CheckpointRecord record, PutMode mode = PutMode.Continue)
    {
        await saver.PutAsync(record, [], mode);
        return record;
    }

    /// <summary>A W1-like run: each step appends one item to a list blob and continues the one before.</summary>
    private static async Task<List<CheckpointRecord>> RunAsync(
        PostgresCheckpointSaver saver, string thread, int steps, CheckpointRecord? parent = null, int firstStep = 0, bool inline = false)
    {
        var blob = Guid.NewGuid();
        var records = new List<CheckpointRecord>();
        for (var i = 0; i < steps; i++)
        {
            var record = inline
                ? Plain(thread, parent?.Id, firstStep + i) with { Channels = new Dictionary<string, ChannelValueRef>() }
                : Plain(thread, parent?.Id, firstStep + i, "", new BlobRun(blob, i + 1));
            await saver.PutAsync(record, inline ? [] : [Records.Chunk(blob, i)], PutMode.Continue);
            records.Add(record);
            parent = record;
        }

        return records;
    }

    private static async Task<List<CheckpointTuple>> ListAsync(PostgresCheckpointSaver saver, CheckpointFilter filter)
    {
        var tuples = new List<CheckpointTuple>();
        await foreach (var tuple in saver.ListAsync(filter))
        {
            tuples.Add(tuple);
        }

        return tuples;
    }

    private async Task<HashSet<Guid>> GroupedIdsAsync() => [.. (await GroupContentsAsync()).Ids];

    /// <summary>Every member id and stored body in the schema's groups (decoded from the stored bytes).</summary>
    private async Task<(List<Guid> Ids, List<byte[]> Bodies)> GroupContentsAsync()
    {
        var ids = new List<Guid>();
        var bodies = new List<byte[]>();
        await using var command = PostgresTestServer.DataSource.CreateCommand($"SELECT thread_id, ids, data FROM \"{_schema}\".checkpoint_groups");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            foreach (var member in PostgresRecordGroups.Decode(reader.GetString(0), reader.GetFieldValue<Guid[]>(1), reader.GetFieldValue<byte[]>(2)))
            {
                ids.Add(member.Id);
                bodies.Add(member.Body);
            }
        }

        return (ids, bodies);
    }

    private static Task<long> CountAsync(string schema, string table) => ScalarAsync($"SELECT count(*) FROM \"{schema}\".{table}");

    private static async Task<long> ScalarAsync(string sql)
    {
        await using var command = PostgresTestServer.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The stored bytes of the schema's checkpoint rows and group rows (each row as stored, compressed values included).</summary>
    private static Task<long> RecordBytesAsync(string schema) =>
        ScalarAsync($"""
            SELECT (SELECT coalesce(sum(pg_column_size(c.*)), 0) FROM "{schema}".checkpoints c)
                 + (SELECT coalesce(sum(pg_column_size(g.*)), 0) FROM "{schema}".checkpoint_groups g)
            """);
}
