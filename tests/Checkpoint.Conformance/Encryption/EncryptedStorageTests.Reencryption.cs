using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance.Encryption;

/// <summary>
/// Re-encryption in place on each saver: every stored blob of a thread (records with inline values, Send
/// arguments and interrupts; chunks and blocks; pending writes; a subgraph's namespace) moves to the new key,
/// the old key can then be dropped, metadata filters keep working, and a stopped run finishes when run again.
/// </summary>
public abstract partial class EncryptedStorageTests
{
    private const string PausedThread = "rotation-paused";
    private const string ListThread = "rotation-lists";

    [Fact]
    public async Task Re_encrypting_each_thread_moves_every_blob_to_the_new_key_and_everything_reads_equal_with_the_new_key_only()
    {
        var before = await WriteUnderOldKeyAsync();

        ReencryptSummary paused, lists;
        await using (var rotating = Open(Rotation(NewKey, SecretScenario.Key)))
        {
            paused = await rotating.ReencryptThreadAsync(PausedThread);
            lists = await rotating.ReencryptThreadAsync(ListThread);
        }

        foreach (var summary in new[] { paused, lists })
        {
            Assert.Equal(1, summary.Threads);
            Assert.True(summary.Rewritten > summary.Checkpoints, $"rewrote {summary.Rewritten} blobs of {summary.Checkpoints} checkpoints");
            Assert.Equal((summary.Rewritten, 0L, 0L), (summary.Examined, summary.AlreadyCurrent, summary.Changed));
        }

        Assert.Equal(before.Checkpoints, paused.Checkpoints + lists.Checkpoints);
        await using var newOnly = Open(Rotation(NewKey));
        Assert.Equal(before, await ReadEverythingAsync(newOnly));
        Assert.Equal(paused.Examined + lists.Examined, before.Blobs);

        // The paused run resumes with the new key only: its interrupt, pending write and Send were rewritten.
        var done = await SecretScenario.Graph(newOnly).InvokeAsync(Command.Resume(SecretScenario.ResumeValue), SecretScenario.Run(PausedThread));
        Assert.Equal(SecretScenario.ResumeValue, done.Answer);
        Assert.Equal([SecretScenario.LogItem], done.Log);
    }

    [Fact]
    public async Task After_re_encryption_metadata_filters_find_the_checkpoints_with_the_new_key_only()
    {
        var before = await WriteUnderOldKeyAsync();
        Assert.True(before.Owned > 0);

        await using (var rotating = Open(Rotation(NewKey, SecretScenario.Key)))
        {
            _ = await rotating.ReencryptAllAsync();
        }

        await using var newOnly = Open(Rotation(NewKey));
        Assert.Equal(before.Owned, await CountAsync(newOnly, OwnerFilter(SecretScenario.MetadataValue)));
        Assert.Equal(0, await CountAsync(newOnly, OwnerFilter("someone else")));
    }

    [Fact]
    public async Task Between_the_key_switch_and_re_encryption_metadata_filters_and_a_subjects_erasure_find_old_key_checkpoints()
    {
        var before = await WriteUnderOldKeyAsync();
        await using (var old = Open(Rotation(SecretScenario.Key)))
        {
            _ = await SecretScenario.Graph(old).InvokeAsync(new SecretState(), SecretScenario.Run("alice-before") with { SubjectId = "alice" });
        }

        // The new key encrypts, the old one still decrypts, nothing re-encrypted yet; one more of Alice's threads.
        await using var switched = Open(Rotation(NewKey, SecretScenario.Key));
        _ = await SecretScenario.Graph(switched).InvokeAsync(new SecretState(), SecretScenario.Run("alice-after") with { SubjectId = "alice" });
        var aliceCheckpoints = await CountAsync(switched, "alice-before") + await CountAsync(switched, "alice-after");

        Assert.Equal(before.Owned + aliceCheckpoints, await CountAsync(switched, OwnerFilter(SecretScenario.MetadataValue)));
        var erasure = await switched.EraseSubjectAsync("alice");
        Assert.Equal((2, aliceCheckpoints), (erasure.Threads, erasure.Checkpoints));
        Assert.Equal((0, 0), (await CountAsync(switched, "alice-before"), await CountAsync(switched, "alice-after")));
        Assert.Equal(before, await ReadEverythingAsync(switched));
    }

    [Fact]
    public async Task Re_encrypting_without_the_old_key_fails_naming_its_key_id()
    {
        _ = await WriteUnderOldKeyAsync();

        await using var newOnly = Open(Rotation(NewKey));
        var error = await Assert.ThrowsAsync<UnknownKeyException>(() => newOnly.ReencryptAllAsync());
        Assert.Equal(Envelope.KeyIdOf(SecretScenario.Key), error.KeyId);
        Assert.Contains(error.KeyId, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_re_encryption_finishes_when_run_again_and_the_counts_add_up()
    {
        var before = await WriteUnderOldKeyAsync();
        const int StopAfter = 5;

        await using (var rotating = Open(Rotation(NewKey, SecretScenario.Key)))
        {
            using var cancel = new CancellationTokenSource();
            ReencryptProgress? last = null;
            var progress = new Reporter(report =>
            {
                last = report;
                if (report.Examined == StopAfter)
                {
                    cancel.Cancel();
                }
            });
            _ = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => rotating.ReencryptAllAsync(progress, cancel.Token));
            Assert.Equal((StopAfter, StopAfter), (last!.Examined, last.Rewritten));

            var finished = await rotating.ReencryptAllAsync();
            Assert.Equal((before.Blobs, before.Blobs - StopAfter, StopAfter, 0L),
                (finished.Examined, finished.Rewritten, finished.AlreadyCurrent, finished.Changed));

            var again = await rotating.ReencryptAllAsync();
            Assert.Equal((before.Blobs, 0L, before.Blobs), (again.Examined, again.Rewritten, again.AlreadyCurrent));
        }

        await using var newOnly = Open(Rotation(NewKey));
        Assert.Equal(before, await ReadEverythingAsync(newOnly));
    }

    [Fact]
    public async Task A_writer_running_during_re_encryption_loses_nothing()
    {
        _ = await WriteUnderOldKeyAsync();

        await using (var rotating = Open(Rotation(NewKey, SecretScenario.Key)))
        {
            // After the first blob, the re-encryption waits until the writer has run once on the same lists (its puts
            // pack the chunks the re-encryption has read but not swapped yet into blocks); then both go on together.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var firstRunDone = new ManualResetEventSlim();
            var writer = Task.Run(async () =>
            {
                await started.Task;
                var graph = ListGraph(rotating);
                try
                {
                    _ = await graph.InvokeAsync(new SecretState(), RunConfig.ForThread(ListThread));
                }
                finally
                {
                    firstRunDone.Set();
                }

                for (var run = 1; run < 3; run++)
                {
                    _ = await graph.InvokeAsync(new SecretState(), RunConfig.ForThread(ListThread));
                }
            });
            var summary = await rotating.ReencryptThreadAsync(ListThread, new Reporter(report =>
            {
                if (report.Examined == 1)
                {
                    started.SetResult();
                    firstRunDone.Wait(); // not a sleep: the writer sets it when its run ends, however it ends
                }
            }));
            await writer;
            Assert.Equal(summary.Examined, summary.Rewritten + summary.AlreadyCurrent + summary.Changed);
            Assert.True(summary.Changed > 0, "the writer's blocks replaced chunks read before them: left to the writer");
            _ = await rotating.ReencryptThreadAsync(PausedThread);
        }

        await using var newOnly = Open(Rotation(NewKey));
        var state = (await ListGraph(newOnly).GetStateAsync(RunConfig.ForThread(ListThread)))!.Values;
        Assert.Equal(ExpectedLog(runs: 4), state.Log);
        _ = await ReadEverythingAsync(newOnly); // every checkpoint, chunk and write of every thread reads with the new key
    }

    [Fact]
    public async Task Plaintext_data_is_encrypted_in_place_by_re_encryption_in_migration_mode()
    {
        var before = await WriteAsync(new CheckpointSerializer(new SerializerOptions { BlockItems = BlockItems }));

        await using (var migrating = Open(new CheckpointSerializer(new SerializerOptions
                     {
                         EncryptionKey = SecretScenario.Key, ReadLegacyBlobs = true, BlockItems = BlockItems,
                     })))
        {
            var summary = await migrating.ReencryptAllAsync();
            Assert.Equal((before.Blobs, before.Blobs), (summary.Examined, summary.Rewritten));
            Assert.Equal(0, (await migrating.ReencryptAllAsync()).Rewritten);
        }

        await using var strict = Open(Rotation(SecretScenario.Key));
        Assert.Equal(before, await ReadEverythingAsync(strict));
    }

    private const int BlockItems = 4;

    private static CheckpointSerializer Rotation(byte[] encryptionKey, params byte[][] decryptionKeys) =>
        new(new SerializerOptions { EncryptionKey = encryptionKey, DecryptionKeys = decryptionKeys, BlockItems = BlockItems });

    private static CheckpointFilter OwnerFilter(string owner) => new() { Metadata = new Dictionary<string, string> { ["owner"] = owner } };

    /// <summary>The list of the list thread after <paramref name="runs"/> runs of <see cref="ListGraph"/>.</summary>
    private static List<string> ExpectedLog(int runs)
    {
        var log = new List<string>();
        for (var run = 0; run < runs; run++)
        {
            var target = log.Count + 10;
            while (log.Count < target)
            {
                log.AddRange([$"item {log.Count}", $"item {log.Count + 1}"]);
            }

            log.Add("inner");
        }

        return log;
    }

    /// <summary>
    /// Appends two items a step until ten more are in the list (crossing blocks of <see cref="BlockItems"/>), then
    /// runs a subgraph, which stores its own checkpoints in its namespace and appends one more.
    /// </summary>
    private static CompiledGraph<SecretState> ListGraph(CheckpointSaver saver)
    {
        var child = new StateGraph<SecretState>()
            .AddNode("inner", _ => new Update<SecretState>().Set(s => s.Log, ["inner"]))
            .AddEdge(Checkpoint.Graph.Start, "inner")
            .AddEdge("inner", Checkpoint.Graph.End)
            .Compile(saver);
        var target = 0;
        return new StateGraph<SecretState>()
            .AddNode("start", s =>
            {
                target = s.Log.Count + 10;
                return new Update<SecretState>();
            })
            .AddNode("append", s => new Update<SecretState>().Set(x => x.Log, [$"item {s.Log.Count}", $"item {s.Log.Count + 1}"]))
            .AddSubgraph("sub", child)
            .AddEdge(Checkpoint.Graph.Start, "start")
            .AddEdge("start", "append")
            .AddConditionalEdges("append", s => s.Log.Count < target ? "append" : "sub", ["append", "sub"])
            .AddEdge("sub", Checkpoint.Graph.End)
            .Compile(saver);
    }

    /// <summary>The paused secret scenario and one run of <see cref="ListGraph"/>, under the old key.</summary>
    private Task<StoredContent> WriteUnderOldKeyAsync() => WriteAsync(Rotation(SecretScenario.Key));

    private async Task<StoredContent> WriteAsync(CheckpointSerializer serializer)
    {
        await using var saver = Open(serializer);
        _ = await SecretScenario.Graph(saver).InvokeAsync(new SecretState(), SecretScenario.Run(PausedThread));
        var lists = await ListGraph(saver).InvokeAsync(new SecretState(), RunConfig.ForThread(ListThread));
        Assert.Equal(ExpectedLog(runs: 1), lists.Log);
        var content = await ReadEverythingAsync(saver);
        Assert.True(content.Namespaces > 1, "the subgraph stores checkpoints in its own namespace");
        Assert.True(content.Blocks > 0, "the lists crossed a block");
        return content;
    }

    /// <summary>
    /// Reads every stored blob of every thread with <paramref name="saver"/>'s keys: each record (listing decodes
    /// it), each chunk its checkpoints reference and each pending write, throwing on the first it cannot open.
    /// </summary>
    private static async Task<StoredContent> ReadEverythingAsync(CheckpointSaver saver)
    {
        var (checkpoints, blobs, blocks) = (0, 0L, 0);
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        var digest = new HashCode();
        await foreach (var threadId in saver.ListThreadsAsync())
        {
            var seen = new HashSet<(string, Guid, int)>();
            await foreach (var (record, writes) in saver.ListAsync(new CheckpointFilter { ThreadId = threadId }))
            {
                (checkpoints, blobs) = (checkpoints + 1, blobs + 1);
                _ = namespaces.Add(record.Namespace);
                foreach (var pair in record.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                {
                    digest.Add(pair);
                }

                var runs = record.Channels.Values.SelectMany(channel => channel.Runs).ToList();
                foreach (var chunk in await saver.ReadChunksAsync(threadId, record.Namespace, runs))
                {
                    var payload = saver.Serializer.Unwrap(
                        chunk.Data, default, BlobAddress.Chunk(threadId, record.Namespace, chunk.BlobId, chunk.Sequence)).Payload;
                    if (seen.Add((record.Namespace, chunk.BlobId, chunk.Sequence)))
                    {
                        blobs++;
                        blocks += payload.Length > 0 && ItemCount(payload) >= BlockItems ? 1 : 0;
                        digest.AddBytes(payload);
                    }
                }

                foreach (var write in writes.Where(write => write.Value.Length > 0))
                {
                    blobs++;
                    digest.AddBytes(saver.Serializer.Unwrap(
                        write.Value, default, BlobAddress.Write(threadId, record.Namespace, record.Id, write.TaskId, write.Index, write.Channel)).Payload);
                }
            }
        }

        var owned = await CountAsync(saver, OwnerFilter(SecretScenario.MetadataValue));
        return new StoredContent(checkpoints, blobs, blocks, namespaces.Count, owned, digest.ToHashCode());
    }

    private static int ItemCount(byte[] payload)
    {
        var reader = new MessagePack.MessagePackReader(payload);
        return reader.NextMessagePackType == MessagePack.MessagePackType.Array ? reader.ReadArrayHeader() : 1;
    }

    /// <summary>What a store holds, as read back: counts, and a digest of every payload and metadata pair.</summary>
    private sealed record StoredContent(int Checkpoints, long Blobs, int Blocks, int Namespaces, int Owned, int Digest);

    /// <summary>Reports on the caller's thread (<see cref="Progress{T}"/> would post to the thread pool, too late to cancel).</summary>
    private sealed class Reporter(Action<ReencryptProgress> report) : IProgress<ReencryptProgress>
    {
        public void Report(ReencryptProgress value) => report(value);
    }
}
