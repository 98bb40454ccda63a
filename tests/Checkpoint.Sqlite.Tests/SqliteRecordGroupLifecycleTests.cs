using System.Text;
using Checkpoint.Conformance;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>
/// Record groups through the paths merged after them: a copied thread rebases grouped bodies and owns them, thread
/// expiry (purge and a put onto an expired thread) deletes the expired thread's groups, and erasing a subject leaves
/// neither their group rows nor the groups' bytes in the file.
/// </summary>
public sealed class SqliteRecordGroupLifecycleTests : IDisposable
{
    private const int Steps = 200;
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(7);

    /// <summary>Compression off so that a loose body's text is plain bytes in the file (groups are deflated regardless).</summary>
    private static readonly CheckpointSerializer Plain = new(new SerializerOptions { CompressionThreshold = int.MaxValue });

    private readonly TempDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose() => _database.Dispose();

    private string[] Files => [_database.Path, _database.Path + "-wal", _database.Path + "-journal"];

    [Fact]
    public async Task A_copy_of_a_grouped_thread_keeps_each_creation_time_and_reads_after_the_source_is_pruned_and_deleted()
    {
        await using var saver = _database.CreateSaver();
        var records = await PutChainAsync(saver, "source", Steps);
        Assert.NotEmpty(await GroupsAsync("source"));

        await saver.CopyThreadAsync("source", "copy");
        _ = await saver.PruneAsync("source", RetentionPolicy.Latest(1));
        await saver.DeleteThreadAsync("source");

        var copied = await ListAsync(saver, "copy");
        Assert.Equal(records.Count, copied.Count);
        foreach (var (put, read) in records.AsEnumerable().Reverse().Zip(copied))
        {
            Assert.Equal(put.Step, read.Step);
            Assert.Equal(put.CreatedAt, read.CreatedAt);
            Assert.Equal(put.Metadata, read.Metadata);
            Assert.Equal("copy", read.ThreadId);
            Assert.NotEqual(put.Id, read.Id);
        }

        // The copy goes on and groups its own records, which read back as put.
        var more = await PutChainAsync(saver, "copy", Steps, copied[0]);
        Assert.NotEmpty(await GroupsAsync("copy"));
        foreach (var record in more)
        {
            Assert.Equal(record.Metadata, (await saver.GetByIdAsync(record.Id))!.Checkpoint.Metadata);
        }
    }

    [Fact]
    public async Task A_purge_of_expired_threads_deletes_their_groups_and_keeps_the_live_ones()
    {
        await using var saver = CreateSaver(ttl: Ttl);
        _ = await PutChainAsync(saver, "old", Steps);
        Assert.NotEmpty(await GroupsAsync("old"));
        _clock.Advance(Ttl / 2);
        var fresh = await PutChainAsync(saver, "fresh", Steps);
        var freshGroups = await GroupsAsync("fresh");
        Assert.NotEmpty(freshGroups);
        _clock.Advance(Ttl / 2);

        Assert.Equal(1, await saver.PurgeExpiredThreadsAsync());

        Assert.Equal(freshGroups.Count, await _database.CountAsync("SELECT count(*) FROM checkpoint_record_groups;"));
        foreach (var record in fresh)
        {
            Assert.Equal(record.Metadata, (await saver.GetByIdAsync(record.Id))!.Checkpoint.Metadata);
        }
    }

    [Fact]
    public async Task A_put_onto_an_expired_thread_deletes_its_groups_before_starting_it_again()
    {
        await using var saver = CreateSaver(ttl: Ttl);
        var old = await PutChainAsync(saver, "t", Steps);
        Assert.NotEmpty(await GroupsAsync("t"));
        _clock.Advance(Ttl);

        await saver.PutAsync(TestRecords.Checkpoint("t", null, 0), [], PutMode.Continue);

        Assert.Equal(0L, await _database.CountAsync("SELECT count(*) FROM checkpoint_record_groups;"));
        Assert.Equal(1L, await _database.CountAsync("SELECT count(*) FROM checkpoint_checkpoints;"));
        Assert.Null(await saver.GetByIdAsync(old[10].Id));
    }

    [Fact]
    public async Task Erasing_a_subject_leaves_none_of_their_groups_or_group_bytes_and_keeps_the_other_subjects()
    {
        await using var saver = new SqliteCheckpointSaver(_database.ConnectionString, new SqliteCheckpointSaverOptions { Serializer = Plain });
        _ = await PutChainAsync(saver, "ana-thread", Steps, subject: "ana");
        var bo = await PutChainAsync(saver, "bo-thread", Steps, subject: "bo");
        var anaGroups = await GroupsAsync("ana-thread");
        Assert.NotEmpty(anaGroups);
        Assert.Contains(anaGroups, group => group.Bodies.Any(body => Contains(body, "anamarker")));
        Assert.True(ByteScan.Count(Files, "anamarker") > 0); // the loose (newest) bodies: the scan can see
        var slices = anaGroups.ConvertAll(group => group.Data.AsSpan((group.Data.Length / 2) - 32, 64).ToArray());
        var before = await _database.RawFilesAsync();
        Assert.All(slices, slice => Assert.Contains(before, file => file.AsSpan().IndexOf(slice) >= 0));

        var receipt = await saver.EraseSubjectAsync("ana");

        Assert.Equal((1, Steps), (receipt.Threads, receipt.Checkpoints));
        Assert.True(receipt.Scrubbed);
        Assert.Empty(await GroupsAsync("ana-thread"));
        var left = await GroupsAsync(null);
        Assert.NotEmpty(left);
        Assert.DoesNotContain(left, group => group.Bodies.Any(body => Contains(body, "anamarker")));
        Assert.Contains(left, group => group.Bodies.Any(body => Contains(body, "bomarker")));
        Assert.Equal(0, ByteScan.Count(Files, "anamarker"));
        Assert.True(ByteScan.Count(Files, "bomarker") > 0);

        // The erased groups' deflated bytes are gone from the file too (64 bytes from the middle of each, found before).
        var after = await _database.RawFilesAsync();
        Assert.All(slices, slice => Assert.DoesNotContain(after, file => file.AsSpan().IndexOf(slice) >= 0));

        foreach (var record in bo)
        {
            Assert.Equal(record.Metadata, (await saver.GetByIdAsync(record.Id))!.Checkpoint.Metadata);
        }
    }

    private SqliteCheckpointSaver CreateSaver(TimeSpan ttl) =>
        new(_database.ConnectionString, new SqliteCheckpointSaverOptions { ThreadTimeToLive = ttl, TimeProvider = _clock });

    /// <summary>Puts a chain of Continue checkpoints (steps 1.., after <paramref name="after"/> when given), each with a marker of its subject.</summary>
    private static async Task<List<CheckpointRecord>> PutChainAsync(
        CheckpointSaver saver, string thread, int count, CheckpointRecord? after = null, string? subject = null)
    {
        var blob = Guid.CreateVersion7();
        var records = new List<CheckpointRecord>(count);
        var parent = after;
        for (var i = 0; i < count; i++)
        {
            var record = TestRecords.Checkpoint(thread, parent?.Id, (parent?.Step ?? 0) + 1, blob);
            if (subject is not null)
            {
                record = record with
                {
                    Metadata = new Dictionary<string, string>(record.Metadata)
                    {
                        [RunConfig.SubjectMetadataKey] = subject,
                        ["note"] = $"{subject}marker{i}",
                    },
                };
            }

            await saver.PutAsync(record, [], PutMode.Continue);
            records.Add(record);
            parent = record;
        }

        return records;
    }

    private static async Task<List<CheckpointRecord>> ListAsync(CheckpointSaver saver, string thread)
    {
        var listed = new List<CheckpointRecord>();
        await foreach (var tuple in saver.ListAsync(new CheckpointFilter { ThreadId = thread }))
        {
            listed.Add(tuple.Checkpoint);
        }

        return listed;
    }

    private static bool Contains(byte[] body, string marker) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(marker)) >= 0;

    /// <summary>The groups of a thread's scopes (all groups when null), decoded, with their stored bytes.</summary>
    private async Task<List<(long Group, byte[] Data, byte[][] Bodies)>> GroupsAsync(string? thread)
    {
        await using var connection = new SqliteConnection(_database.RawConnectionString);
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = thread is null
            ? "SELECT grp, data FROM checkpoint_record_groups ORDER BY grp;"
            : "SELECT g.grp, g.data FROM checkpoint_record_groups g JOIN checkpoint_names n ON n.id = g.scope " +
              "JOIN checkpoint_names t ON t.id = n.owner WHERE t.owner = 0 AND t.name = $thread ORDER BY g.grp;";
        _ = command.Parameters.AddWithValue("$thread", (object?)thread ?? DBNull.Value);
        var groups = new List<(long, byte[], byte[][])>();
        using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var data = (byte[])reader.GetValue(1);
            groups.Add((reader.GetInt64(0), data, RecordGroupCodec.Decode(data)));
        }

        return groups;
    }
}
