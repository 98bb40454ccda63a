using Checkpoint.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

/// <summary>Prune by every kind of policy, on every saver: what is kept, what is collected, what stays readable.</summary>
public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task Retention_by_age_keeps_the_checkpoints_younger_than_the_age_on_the_given_clock()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 6); // created at Epoch + 0s .. + 5s
        var clock = new FakeTimeProvider(Epoch.AddSeconds(5.5));

        Assert.Equal(4, await Saver.PruneAsync(thread, RetentionPolicy.YoungerThan(TimeSpan.FromSeconds(2)), clock));

        Assert.Equal(NewestFirst(chain.TakeLast(2)), await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
    }

    [Fact]
    public async Task Thinning_keeps_every_kth_step_with_its_parent_link_and_chunks_intact()
    {
        var thread = NewThread();
        var list = Guid.NewGuid();
        var chain = await PutListChainAsync(thread, list, 10); // steps 0..9, one list item each

        Assert.Equal(6, await Saver.PruneAsync(thread, RetentionPolicy.EveryKthStep(4)));

        var kept = chain.Where(record => record.Step % 4 == 0 || record.Step == 9).ToList();
        Assert.Equal(NewestFirst(kept), await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
        foreach (var record in kept)
        {
            // Parents stay what they were (a pruned parent is a dangling id), and every item stays readable.
            var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;
            AssertSameRecord(record, read);
            Assert.Equal(ListItems(record.Step + 1), Items(await Saver.ReadChunksAsync(thread, "", read.Channels["l"].Runs)));
        }
    }

    [Fact]
    public async Task Fork_points_interrupts_and_tagged_checkpoints_are_kept_with_their_history()
    {
        var thread = NewThread();
        var chain = new List<CheckpointRecord>();
        Guid? parent = null;
        for (var step = 0; step < 8; step++)
        {
            var record = Record(thread, parentId: parent, step: step, metadata: step == 4 ? Map("pin", "release") : null) with
            {
                Interrupts = step == 2 ? [new InterruptRecord("i", "node", "task", [1, 2, 3])] : [],
            };
            chain.Add(await PutAsync(record));
            parent = record.Id;
        }

        var fork = await PutAsync(Record(thread, parentId: chain[5].Id, step: 6, source: CheckpointSource.Fork), PutMode.Branch);
        var forkNext = await PutAsync(Record(thread, parentId: fork.Id, step: 7));
        var latest = await PutAsync(Record(thread, parentId: chain[7].Id, step: 8));
        var policy = RetentionPolicy.Latest(1).KeepingForkPoints().KeepingInterrupts().KeepingTagged("pin");

        // Kept: the latest; the fork point chain[5] with its children chain[6] and fork, and its history chain[0..4].
        Assert.Equal(2, await Saver.PruneAsync(thread, policy));

        Assert.Equal(
            NewestFirst([.. chain.Take(7), fork, latest]),
            await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
        Assert.Null(await Saver.GetByIdAsync(forkNext.Id));
        Assert.Null(await Saver.GetByIdAsync(chain[7].Id));
        AssertSameRecord(chain[2], (await Saver.GetByIdAsync(chain[2].Id))!.Checkpoint);
        Assert.Equal(0, await Saver.PruneAsync(thread, policy));
    }

    [Fact]
    public async Task Keeping_ancestors_drops_an_abandoned_branch_and_collects_its_chunks()
    {
        var thread = NewThread();
        var (list, branchBlob) = (Guid.NewGuid(), Guid.NewGuid());
        var chain = await PutListChainAsync(thread, list, 5);
        var abandoned = await PutAsync(
            Record(thread, parentId: chain[1].Id, step: 2, channels: Map("l", Chunked(3, new BlobRun(list, 2), new BlobRun(branchBlob, 3)))),
            PutMode.Branch, Chunk(branchBlob, 2, "branch-item"));
        var next = await PutAsync(Record(thread, parentId: chain[4].Id, step: 5, channels: chain[4].Channels));
        await Saver.PutWritesAsync(thread, "", abandoned.Id, [Write("t", 0, "c", "gone")]);
        Assert.Single(await Saver.ReadChunksAsync(thread, "", [new BlobRun(branchBlob, 3) { Start = 2 }]));

        Assert.Equal(1, await Saver.PruneAsync(thread, new RetentionPolicy().KeepingAncestors()));

        Assert.Null(await Saver.GetByIdAsync(abandoned.Id));
        Assert.Empty(await Saver.ReadChunksAsync(thread, "", [new BlobRun(branchBlob, 3) { Start = 2 }]));
        foreach (var record in chain.Append(next))
        {
            var read = (await Saver.GetAsync(thread, "", record.Id))!.Checkpoint;
            AssertSameRecord(record, read);
            Assert.Equal(ListItems(Math.Min(record.Step + 1, 5)), Items(await Saver.ReadChunksAsync(thread, "", read.Channels["l"].Runs)));
        }
    }

    [Fact]
    public async Task A_compacted_thread_drops_its_pre_compaction_history_and_the_chunks_before_the_kept_range()
    {
        var thread = NewThread();
        var (list, summary) = (Guid.NewGuid(), Guid.NewGuid());
        var chain = await PutListChainAsync(thread, list, 8); // items 0..7
        await Saver.PutWritesAsync(thread, "", chain[3].Id, [Write("t", 0, "c", "old")]);

        // The compaction keeps items 5..7 of the list and a summary of the rest.
        var compaction = await PutAsync(
            Record(thread, parentId: chain[7].Id, step: 8, source: CheckpointSource.Compact,
                channels: Map("l", Chunked(9, new BlobRun(summary, 1), new BlobRun(list, 8) { Start = 5 }))),
            PutMode.Continue, Chunk(summary, 0, "summary"));
        var after = await PutAsync(
            Record(thread, parentId: compaction.Id, step: 9,
                channels: Map("l", Chunked(10, new BlobRun(summary, 1), new BlobRun(list, 9) { Start = 5 }))),
            PutMode.Continue, Chunk(list, 8, "item-8"));
        Assert.Equal(9, (await Saver.ReadChunksAsync(thread, "", [new BlobRun(list, 9)])).Count);

        var policy = RetentionPolicy.Latest(1).KeepingAncestors().DroppingBeforeCompaction();
        Assert.Equal(0, await Saver.PruneAsync(thread, RetentionPolicy.Latest(1).KeepingAncestors()));
        Assert.Equal(8, await Saver.PruneAsync(thread, policy));

        Assert.Equal([after.Id, compaction.Id], await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
        var stored = await Saver.ReadChunksAsync(thread, "", [new BlobRun(list, 9) { Start = 5 }]);
        Assert.Equal(["item-5", "item-6", "item-7", "item-8"], Items(stored));
        var left = (await Saver.ReadChunksAsync(thread, "", [new BlobRun(list, 9)])).Count;
        Assert.True(left <= 4, $"the chunks wholly before item 5 are collected ({left} chunks left)");
        foreach (var record in new[] { compaction, after })
        {
            var read = (await Saver.GetAsync(thread, "", record.Id))!;
            AssertSameRecord(record, read.Checkpoint);
            Assert.Empty(read.PendingWrites);
        }

        Assert.Equal(["summary", "item-5", "item-6", "item-7", "item-8"],
            Items(await Saver.ReadChunksAsync(thread, "", [new BlobRun(summary, 1)])).Concat(Items(stored)));
        Assert.Equal(0, await Saver.PruneAsync(thread, policy));
    }

    [Fact]
    public async Task Retention_is_evaluated_per_namespace()
    {
        var thread = NewThread();
        var root = await PutChainAsync(thread, 6);
        var sub = await PutChainAsync(thread, 6, "sub");

        Assert.Equal(4, await Saver.PruneAsync(thread, RetentionPolicy.EveryKthStep(3)));

        // Steps -1..4: kept -1, 0, 3 and the latest (4) in each namespace.
        Assert.Equal(NewestFirst([root[0], root[1], root[4], root[5]]), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "" }));
        Assert.Equal(NewestFirst([sub[0], sub[1], sub[4], sub[5]]), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "sub" }));
    }

    [Fact]
    public async Task Prunes_by_a_thinning_policy_racing_a_writer_keep_every_checkpoint_put_and_its_chunks()
    {
        const int Steps = 80;
        var thread = NewThread();
        var blobId = Guid.NewGuid();
        var policy = RetentionPolicy.EveryKthStep(7).KeepingAncestors();
        using var done = new CancellationTokenSource();
        var (written, branches) = (new List<CheckpointRecord>(), new List<CheckpointRecord>());
        var writer = Task.Run(async () =>
        {
            try
            {
                Guid? parent = null;
                for (var step = 0; step < Steps; step++)
                {
                    // Every 10th step a sibling branch from the previous checkpoint, abandoned, so only the step rule
                    // can keep it; its id is older than the main one's, so the main line always has the latest.
                    var branch = step % 10 == 5
                        ? Record(thread, parentId: parent, step: step, channels: written[^1].Channels, source: CheckpointSource.Fork)
                        : null;
                    var record = Record(thread, parentId: parent, step: step, channels: Map("items", Chunked(step + 1, new BlobRun(blobId, step + 1))));
                    await Saver.PutAsync(record, [Chunk(blobId, step, $"item-{step}")], PutMode.Continue);
                    written.Add(record);
                    if (branch is not null)
                    {
                        await Saver.PutAsync(branch, [], PutMode.Branch);
                        branches.Add(branch);
                    }

                    parent = record.Id;
                }
            }
            finally
            {
                await done.CancelAsync();
            }
        });
        var pruner = Task.Run(async () =>
        {
            do
            {
                await Saver.PruneAsync(thread, policy);
                await Task.Yield();
            }
            while (!done.IsCancellationRequested);
        });

        await Task.WhenAll(writer, pruner);
        await Saver.PruneAsync(thread, policy);

        // The main line is the latest checkpoint's history: all of it is kept, with every chunk.
        foreach (var record in written)
        {
            var read = (await Saver.GetAsync(thread, "", record.Id))?.Checkpoint;
            AssertSameRecord(record, read);
            Assert.Equal(
                Enumerable.Range(0, record.Step + 1).Select(i => $"item-{i}"),
                Items(await Saver.ReadChunksAsync(thread, "", read!.Channels["items"].Runs)));
        }

        Assert.Equal(
            NewestFirst(written.Concat(branches.Where(branch => branch.Step % 7 == 0))),
            await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
    }

    [Fact]
    public async Task ListThreadsAsync_streams_the_threads_with_checkpoints_in_ordinal_order_page_by_page()
    {
        var prefix = NewThread();
        var threads = Enumerable.Range(0, 7).Select(i => $"{prefix}-{(char)('a' + ((i * 3) % 7))}").ToList();
        foreach (var thread in threads)
        {
            await PutChainAsync(thread, 1);
        }

        await PutChainAsync(prefix + "-deleted", 2);
        await Saver.DeleteThreadAsync(prefix + "-deleted");
        await PutChainAsync(prefix + "-pruned", 3);
        await Saver.PruneAsync(prefix + "-pruned", RetentionPolicy.Latest(1));
        threads.Add(prefix + "-pruned");
        var expected = threads.Order(StringComparer.Ordinal).ToList();

        var all = await ToListAsync(Saver.ListThreadsAsync(pageSize: 2));
        var rest = await ToListAsync(Saver.ListThreadsAsync(after: expected[2], pageSize: 3));
        var one = await ToListAsync(Saver.ListThreadsAsync(pageSize: 1));

        Assert.Equal(expected, all.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(all, one);
        Assert.Equal(all.SkipWhile(id => id != expected[2]).Skip(1), rest);
        Assert.Throws<ArgumentOutOfRangeException>(() => Saver.ListThreadsAsync(pageSize: 0));
    }

    [Fact]
    public async Task A_sweep_prunes_every_thread_and_reports_its_counts()
    {
        var prefix = NewThread();
        var threads = new[] { prefix + "-1", prefix + "-2", prefix + "-3" };
        await PutChainAsync(threads[0], 4);
        await PutChainAsync(threads[1], 1);
        await PutChainAsync(threads[2], 3, "sub");
        var before = await ToListAsync(Saver.ListThreadsAsync());
        var reports = new List<RetentionSweepProgress>();

        var summary = await Saver.SweepAsync(RetentionPolicy.Latest(1), new SynchronousProgress<RetentionSweepProgress>(reports.Add));

        Assert.Equal(before.Count, summary.Threads);
        Assert.Equal(2, summary.ThreadsPruned);
        Assert.Equal(3 + 2, summary.CheckpointsDeleted);
        Assert.Equal(0, summary.ThreadsFailed);
        Assert.Empty(summary.Failures);
        Assert.Equal(before, reports.Select(report => report.LastThread));
        Assert.Equal(Enumerable.Range(1, before.Count), reports.Select(report => report.Threads));
        Assert.Equal(summary.CheckpointsDeleted, reports[^1].CheckpointsDeleted);
        foreach (var thread in threads)
        {
            Assert.Single(await ListIdsAsync(new CheckpointFilter { ThreadId = thread }));
        }

        Assert.Equal(0, (await Saver.SweepAsync(RetentionPolicy.Latest(1))).CheckpointsDeleted);
    }

    /// <summary>The items of a list channel after <paramref name="count"/> steps of <see cref="PutListChainAsync"/>.</summary>
    private static IEnumerable<string> ListItems(int count) => Enumerable.Range(0, count).Select(i => $"item-{i}");

    /// <summary>A chain of checkpoints (steps 0..count-1), each appending one item to the list blob.</summary>
    private async Task<List<CheckpointRecord>> PutListChainAsync(string thread, Guid list, int count)
    {
        var chain = new List<CheckpointRecord>();
        Guid? parent = null;
        for (var step = 0; step < count; step++)
        {
            chain.Add(await PutAsync(
                Record(thread, parentId: parent, step: step, channels: Map("l", Chunked(step + 1, new BlobRun(list, step + 1)))),
                PutMode.Continue, Chunk(list, step, $"item-{step}")));
            parent = chain[^1].Id;
        }

        return chain;
    }

    /// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread (Progress posts to the pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
