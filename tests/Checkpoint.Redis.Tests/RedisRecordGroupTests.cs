using System.Globalization;
using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using StackExchange.Redis;
using Xunit;

namespace Checkpoint.Redis.Tests;

/// <summary>
/// Record groups (<c>RedisRecordGroups</c>): older checkpoints stored 32 to a field. Reads, lists, prunes, copies and
/// re-puts see the same checkpoints as on the loose layout, and no deleted checkpoint's bytes stay in a group.
/// </summary>
public sealed class RedisRecordGroupTests : IAsyncLifetime
{
    private readonly string _prefix = RedisTestServer.NewPrefix();
    private IConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await RedisTestServer.ConnectAsync();

    public async Task DisposeAsync()
    {
        await RedisTestServer.DeleteKeysAsync(_connection, _prefix);
        await _connection.DisposeAsync();
    }

    [Fact]
    public async Task Older_checkpoints_are_grouped_and_read_back_as_they_were_written()
    {
        await using var saver = Saver();
        var written = await WriteChainAsync(saver, "t", 100);

        var fields = await RecordFieldsAsync("t");
        Assert.Equal(2, fields.Count(IsGroupField)); // 0..31 and 32..63; the newest 36 are loose
        Assert.Equal(36, fields.Count(field => !IsGroupField(field)));
        Assert.Equal(38, await _connection.GetDatabase().SortedSetLengthAsync(_prefix + ":t:t:ids"));

        foreach (var (record, write) in written)
        {
            var read = await saver.GetByIdAsync(record.Id); // through the global index, no thread given
            ConformanceData.AssertSameRecord(record, read?.Checkpoint);
            Assert.Equal(write.TaskId, Assert.Single(read!.PendingWrites).TaskId);
            ConformanceData.AssertSameRecord(record, (await saver.GetAsync("t", "", record.Id))?.Checkpoint);
        }

        ConformanceData.AssertSameRecord(written[^1].Record, (await saver.GetAsync("t", "", null))?.Checkpoint);
        var newestFirst = written.Select(w => w.Record.Id).Reverse().ToList();
        Assert.Equal(newestFirst, await IdsAsync(saver, new CheckpointFilter { ThreadId = "t" }));

        // before falls inside a group, at its newest member and just above a group
        foreach (var at in new[] { 10, 31, 32, 50, 63, 64 })
        {
            var expected = newestFirst.SkipWhile(id => id != written[at].Record.Id).Skip(1).Take(5).ToList();
            Assert.Equal(expected, await IdsAsync(saver, new CheckpointFilter { ThreadId = "t", Before = written[at].Record.Id, Limit = 5 }));
        }
    }

    [Fact]
    public async Task A_damaged_group_is_a_corrupt_checkpoint_naming_the_thread_and_checkpoint()
    {
        await using var saver = Saver();
        var written = await WriteChainAsync(saver, "d", 64);
        var field = Assert.Single(await RecordFieldsAsync("d"), IsGroupField); // 0..31
        var key = _prefix + ":t:d:cp";
        var value = (byte[])(await _connection.GetDatabase().HashGetAsync(key, field))!;

        // The bodies after the member ids and parent flags (the scripts find members by those ids): cut short, or changed.
        var bodies = value.AsSpan().IndexOf((byte)'|') + 2 + (17 * 32);
        foreach (var damaged in new[] { value[..(bodies + 10)], [.. value[..^8], .. new byte[8]] })
        {
            await _connection.GetDatabase().HashSetAsync(key, field, damaged);
            var error = await Assert.ThrowsAsync<CorruptCheckpointException>(() => saver.GetAsync("d", "", written[5].Record.Id));
            Assert.Equal("d", error.Location.ThreadId);
            Assert.Equal(written[5].Record.Id, error.Location.CheckpointId);
        }

        ConformanceData.AssertSameRecord(written[^1].Record, (await saver.GetAsync("d", "", null))?.Checkpoint); // loose records still read
    }

    [Fact]
    public async Task A_listing_loses_no_id_when_a_group_forms_across_its_position_between_two_pages()
    {
        List<CheckpointRecord> written;
        await using (var loose = Saver(group: false))
        {
            written = [.. (await WriteChainAsync(loose, "page", 120)).Select(w => w.Record)];
        }

        await using var saver = Saver();
        var seen = new List<Guid>();
        await using (var listing = saver.ListAsync(new CheckpointFilter { ThreadId = "page" }).GetAsyncEnumerator())
        {
            // the first page held steps 119..56
            for (var i = 0; i < 40 && await listing.MoveNextAsync(); i++)
            {
                seen.Add(listing.Current.Checkpoint.Id);
            }

            // this put groups steps 41..72 and 73..104: the first group's member sorts above the listing's position
            await saver.PutAsync(Records.New("page", written[^1].Id, step: 128), [], PutMode.Branch);
            Assert.Contains(written[72].Id.ToString("N", CultureInfo.InvariantCulture) + "g", await RecordFieldsAsync("page"));
            while (await listing.MoveNextAsync())
            {
                seen.Add(listing.Current.Checkpoint.Id);
            }
        }

        Assert.Equal(written.Select(r => r.Id).Reverse(), seen);
    }

    [Fact]
    public async Task A_thread_written_in_the_loose_layout_reads_the_same_and_is_grouped_by_later_puts()
    {
        // The layout before record groups: what a saver with grouping off writes (the put script is unchanged),
        // plus one checkpoint written with raw commands as that layout stored it.
        var legacy = Records.New("old", step: 0);
        var db = _connection.GetDatabase();
        var id = legacy.Id.ToString("N", CultureInfo.InvariantCulture);
        var body = Checkpoint.Serialization.CheckpointRecordCodec.Encode(legacy);
        await db.HashSetAsync(_prefix + ":t:old:cp", id, (byte[])[.. "||"u8, .. body]);
        await db.SortedSetAddAsync(_prefix + ":t:old:ids", "|" + id, 0);
        await db.SetAddAsync(_prefix + ":t:old:ns", "");
        await db.SetAddAsync(_prefix + ":threads", "old");
        await db.HashSetAsync(_prefix + ":ix", id, "old");
        await db.SortedSetAddAsync(_prefix + ":ixt", "old|" + id, 0);

        var written = new List<CheckpointRecord> { legacy };
        await using (var loose = Saver(group: false))
        {
            written.AddRange((await WriteChainAsync(loose, "old", 70, legacy)).Select(w => w.Record));
        }

        Assert.DoesNotContain(await RecordFieldsAsync("old"), IsGroupField);

        await using var saver = Saver();
        foreach (var record in written)
        {
            ConformanceData.AssertSameRecord(record, (await saver.GetByIdAsync(record.Id))?.Checkpoint);
        }

        written.AddRange((await WriteChainAsync(saver, "old", 10, written[^1])).Select(w => w.Record));
        Assert.Contains(await RecordFieldsAsync("old"), IsGroupField);
        Assert.Equal(written.Select(r => r.Id).Reverse(), await IdsAsync(saver, new CheckpointFilter { ThreadId = "old" }));
        foreach (var record in written)
        {
            ConformanceData.AssertSameRecord(record, (await saver.GetByIdAsync(record.Id))?.Checkpoint);
        }
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("every-3rd")]
    public async Task A_prune_leaves_no_bytes_of_deleted_checkpoints_in_groups(string policyName)
    {
        await using var saver = Saver();
        var written = (await WriteChainAsync(saver, "p", 100)).Select(w => w.Record).ToList();
        var policy = policyName == "latest" ? RetentionPolicy.Latest(10) : RetentionPolicy.EveryKthStep(3);

        var deleted = await saver.PruneAsync("p", policy);

        var kept = await IdsAsync(saver, new CheckpointFilter { ThreadId = "p" });
        Assert.Equal(100 - deleted, kept.Count);
        Assert.True(deleted > 50, $"{deleted} deleted");
        // a kept checkpoint names its parent, deleted or not: those ids stay (as parents, not as records)
        var parents = written.Where(record => kept.Contains(record.Id)).Select(record => record.ParentId).ToHashSet();
        var gone = written.Where(record => !kept.Contains(record.Id)).ToList();
        var stored = await AllStoredBytesAsync();
        foreach (var record in gone)
        {
            Assert.Null(await saver.GetByIdAsync(record.Id));
        }

        foreach (var record in gone.Where(record => !parents.Contains(record.Id)))
        {
            var hex = record.Id.ToString("N", CultureInfo.InvariantCulture);
            Assert.DoesNotContain(stored, value => Contains(value, System.Text.Encoding.ASCII.GetBytes(hex)) || Contains(value, Convert.FromHexString(hex)));
        }

        foreach (var record in written.Where(record => kept.Contains(record.Id)))
        {
            ConformanceData.AssertSameRecord(record, (await saver.GetByIdAsync(record.Id))?.Checkpoint);
        }
    }

    [Fact]
    public async Task A_copy_of_a_grouped_thread_reads_the_same_after_the_source_is_deleted()
    {
        await using var saver = Saver();
        var written = (await WriteChainAsync(saver, "src", 80)).Select(w => w.Record).ToList();

        await saver.CopyThreadAsync("src", "dst");
        await saver.DeleteThreadAsync("src");

        var copies = new List<CheckpointTuple>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = "dst" }))
        {
            copies.Add(tuple);
        }

        Assert.Equal(written.Select(r => r.Step).Reverse(), copies.Select(c => c.Checkpoint.Step));
        Assert.Equal(written.Select(r => r.CreatedAt).Reverse(), copies.Select(c => c.Checkpoint.CreatedAt));
        for (var i = 0; i + 1 < copies.Count; i++)
        {
            Assert.Equal(copies[i + 1].Checkpoint.Id, copies[i].Checkpoint.ParentId);
        }

        Assert.Contains(await RecordFieldsAsync("dst"), IsGroupField);
        Assert.Empty(await RedisTestServer.KeysAsync(_connection, _prefix + ":t:src"));
    }

    [Fact]
    public async Task A_re_put_of_a_grouped_checkpoint_and_a_continue_from_it_see_it_as_before()
    {
        await using var saver = Saver();
        var written = (await WriteChainAsync(saver, "r", 100)).Select(w => w.Record).ToList();
        Assert.Contains(await RecordFieldsAsync("r"), IsGroupField);

        // a replay of a grouped checkpoint is not its own sibling; its parent still has a child
        var replayed = written[5] with { Metadata = new Dictionary<string, string> { ["step"] = "5", ["replayed"] = "yes" } };
        await saver.PutAsync(replayed, [], PutMode.Continue);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(Records.New("r", written[5].Id, step: 6), [], PutMode.Continue));
        Assert.Equal("yes", (await saver.GetByIdAsync(written[5].Id))!.Checkpoint.Metadata["replayed"]);
        Assert.Equal(100, (await IdsAsync(saver, new CheckpointFilter { ThreadId = "r" })).Count);

        // another thread cannot take a grouped id (32..63 are still grouped)
        Assert.Contains(await RecordFieldsAsync("r"), field => field == written[63].Id.ToString("N", CultureInfo.InvariantCulture) + "g");
        await Assert.ThrowsAsync<InvalidOperationException>(() => saver.PutAsync(written[40] with { ThreadId = "other" }, [], PutMode.Branch));
        var fork = Records.New("r", written[2].Id, step: 3);
        await saver.PutAsync(fork, [], PutMode.Branch);
        Assert.Equal(written[2].Id, (await saver.GetByIdAsync(fork.Id))!.Checkpoint.ParentId);
    }

    [Fact]
    public async Task Continue_conflicts_are_the_same_for_grouped_parents()
    {
        await using var saver = Saver();
        var chain = (await WriteChainAsync(saver, "k", 21)).Select(w => w.Record).ToList();
        var tip = Records.New("k", chain[10].Id, step: 11); // a fork tip: childless, grouped below
        await saver.PutAsync(tip, [], PutMode.Branch);
        chain.AddRange((await WriteChainAsync(saver, "k", 79, chain[20])).Select(w => w.Record));
        var groupOfTip = chain[30].Id.ToString("N", CultureInfo.InvariantCulture) + "g"; // 0..20, the tip, 21..30
        Assert.Contains(groupOfTip, await RecordFieldsAsync("k"));
        Assert.DoesNotContain(tip.Id.ToString("N", CultureInfo.InvariantCulture), await RecordFieldsAsync("k"));

        // a child in the group right after its parent, a second child (the tip), a child in the next group
        foreach (var parent in new[] { chain[15], chain[10], chain[20], chain[30], chain[50] })
        {
            await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(Records.New("k", parent.Id, step: parent.Step + 1), [], PutMode.Continue));
        }

        var continued = Records.New("k", tip.Id, step: 12);
        await saver.PutAsync(continued, [], PutMode.Continue);
        await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(Records.New("k", tip.Id, step: 12), [], PutMode.Continue));

        // released again (by a prune of one of its members), the group's counts are whole
        Assert.Equal(12, await saver.PruneAsync("k", RetentionPolicy.Latest(90)));
        foreach (var parent in new[] { chain[15], chain[20] })
        {
            await Assert.ThrowsAsync<CheckpointConflictException>(() => saver.PutAsync(Records.New("k", parent.Id, step: parent.Step + 1), [], PutMode.Continue));
        }
    }

    [Fact]
    public async Task Puts_racing_groupings_and_prunes_lose_nothing()
    {
        await using var writer = Saver();
        await using var pruner = Saver();
        var written = new List<CheckpointRecord>();
        var pruned = new HashSet<Guid>();
        var done = false;
        var writing = Task.Run(async () =>
        {
            try
            {
                written.AddRange((await WriteChainAsync(writer, "race", 300)).Select(w => w.Record));
            }
            finally
            {
                Volatile.Write(ref done, true);
            }
        });
        var pruning = Task.Run(async () =>
        {
            var rounds = 0;
            while (!Volatile.Read(ref done) || rounds == 0)
            {
                // every other step goes; checkpoints put meanwhile and the kept ones must survive
                _ = await pruner.PruneAsync("race", RetentionPolicy.EveryKthStep(2));
                rounds++;
            }
        });
        await Task.WhenAll(writing, pruning);
        _ = await pruner.PruneAsync("race", RetentionPolicy.EveryKthStep(2));

        var kept = await IdsAsync(writer, new CheckpointFilter { ThreadId = "race" });
        Assert.Equal(kept.Distinct().Count(), kept.Count);
        var expected = written.Where(record => record.Step % 2 == 0 || record.Step == written[^1].Step).Select(r => r.Id).ToHashSet();
        Assert.Superset(expected, kept.ToHashSet());
        foreach (var record in written.Where(record => expected.Contains(record.Id)))
        {
            ConformanceData.AssertSameRecord(record, (await writer.GetByIdAsync(record.Id))?.Checkpoint);
        }

        Assert.Contains(await RecordFieldsAsync("race"), IsGroupField);
    }

    [Fact]
    public async Task Key_rotation_re_seals_grouped_records_loose_and_they_read_the_same()
    {
        List<CheckpointRecord> written;
        await using (var plain = Saver())
        {
            written = [.. (await WriteChainAsync(plain, "rot", 80, chunks: false)).Select(w => w.Record)];
        }

        Assert.Contains(await RecordFieldsAsync("rot"), IsGroupField);
        await using var encrypting = new RedisCheckpointSaver(
            _connection, new RedisCheckpointSaverOptions { KeyPrefix = _prefix, Serializer = Checkpoint.Conformance.Encryption.SecretScenario.Encrypting(readLegacyBlobs: true) });

        var summary = await encrypting.ReencryptThreadAsync("rot");

        Assert.Equal(80, summary.Checkpoints);
        Assert.DoesNotContain(await RecordFieldsAsync("rot"), IsGroupField);
        foreach (var record in written)
        {
            ConformanceData.AssertSameRecord(record, (await encrypting.GetByIdAsync(record.Id))?.Checkpoint);
        }

        // an encrypting saver never groups: its puts leave every record loose
        _ = await WriteChainAsync(encrypting, "rot", 40, written[^1], chunks: false);
        Assert.DoesNotContain(await RecordFieldsAsync("rot"), IsGroupField);
    }

    [Fact]
    public async Task Erasing_a_subject_leaves_no_group_and_no_index_entry()
    {
        await using var saver = Saver();
        var written = (await WriteChainAsync(saver, "erase", 80, subject: "alice")).Select(w => w.Record).ToList();
        _ = await WriteChainAsync(saver, "keep", 5);
        Assert.Contains(await RecordFieldsAsync("erase"), IsGroupField);

        _ = await saver.EraseSubjectAsync("alice");

        Assert.Empty(await RedisTestServer.KeysAsync(_connection, _prefix + ":t:erase"));
        var stored = await AllStoredBytesAsync();
        foreach (var record in written)
        {
            var hex = record.Id.ToString("N", CultureInfo.InvariantCulture);
            Assert.DoesNotContain(stored, value => Contains(value, System.Text.Encoding.ASCII.GetBytes(hex)) || Contains(value, Convert.FromHexString(hex)));
        }

        Assert.Equal(5, (await IdsAsync(saver, new CheckpointFilter { ThreadId = "keep" })).Count);
    }

    private RedisCheckpointSaver Saver(bool group = true) =>
        new(_connection, new RedisCheckpointSaverOptions { KeyPrefix = _prefix, GroupOlderRecords = group });

    private static async Task<List<(CheckpointRecord Record, PendingWrite Write)>> WriteChainAsync(
        RedisCheckpointSaver saver, string thread, int count, CheckpointRecord? after = null, string? subject = null, bool chunks = true)
    {
        var written = new List<(CheckpointRecord, PendingWrite)>();
        var parent = after?.Id;
        var first = after is null ? 0 : after.Step + 1;
        var blob = Guid.NewGuid();
        for (var step = first; step < first + count; step++)
        {
            // (the test chunks and writes are not sealed blobs: a key rotation reads real ones only)
            var record = chunks ? Records.New(thread, parent, step: step, blob: blob, end: step + 1 - first) : Records.New(thread, parent, step: step);
            if (subject is not null)
            {
                record = record with { Metadata = new Dictionary<string, string>(record.Metadata) { [RunConfig.SubjectMetadataKey] = subject } };
            }

            await saver.PutAsync(record, chunks ? [Records.Chunk(blob, step - first)] : [], PutMode.Branch);
            var write = Records.Write("task-" + step.ToString(CultureInfo.InvariantCulture));
            if (chunks)
            {
                await saver.PutWritesAsync(thread, "", record.Id, [write]);
            }

            written.Add((record, write));
            parent = record.Id;
        }

        return written;
    }

    private static async Task<List<Guid>> IdsAsync(CheckpointSaver saver, CheckpointFilter filter)
    {
        var ids = new List<Guid>();
        await foreach (var tuple in saver.ListAsync(filter))
        {
            ids.Add(tuple.Checkpoint.Id);
        }

        return ids;
    }

    private async Task<List<string>> RecordFieldsAsync(string thread) =>
        [.. (await _connection.GetDatabase().HashKeysAsync(_prefix + ":t:" + thread + ":cp")).Select(field => (string)field!)];

    private static bool IsGroupField(string field) => field.EndsWith('g');

    /// <summary>Every key name, field, value and member under the prefix.</summary>
    private Task<List<byte[]>> AllStoredBytesAsync() => RedisTestServer.AllStoredBytesAsync(_connection, _prefix);

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
