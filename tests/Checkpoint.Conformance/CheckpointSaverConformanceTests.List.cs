using Checkpoint.Storage;
using Xunit;
using static Checkpoint.Conformance.ConformanceData;

namespace Checkpoint.Conformance;

public abstract partial class CheckpointSaverConformanceTests
{
    [Fact]
    public async Task List_on_an_empty_store_is_empty()
    {
        Assert.Empty(await ListAllAsync(new CheckpointFilter()));
        Assert.Empty(await ListAllAsync(new CheckpointFilter { ThreadId = NewThread() }));
    }

    [Fact]
    public async Task List_all_returns_every_thread_and_namespace_newest_first()
    {
        var (a, b) = (NewThread(), NewThread());
        var records = new List<CheckpointRecord>();
        records.AddRange(await PutChainAsync(a, 2));
        records.AddRange(await PutChainAsync(b, 2));
        records.AddRange(await PutChainAsync(a, 2, "sub"));

        Assert.Equal(NewestFirst(records), await ListIdsAsync(new CheckpointFilter()));
    }

    [Fact]
    public async Task List_by_thread_returns_that_threads_checkpoints_in_every_namespace()
    {
        var (a, b) = (NewThread(), NewThread());
        var root = await PutChainAsync(a, 3);
        var sub = await PutChainAsync(a, 2, "sub");
        await PutChainAsync(b, 3);

        Assert.Equal(NewestFirst(root.Concat(sub)), await ListIdsAsync(new CheckpointFilter { ThreadId = a }));
    }

    [Fact]
    public async Task List_by_thread_and_namespace()
    {
        var thread = NewThread();
        var root = await PutChainAsync(thread, 3);
        var sub = await PutChainAsync(thread, 2, "sub");

        Assert.Equal(NewestFirst(root), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "" }));
        Assert.Equal(NewestFirst(sub), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "sub" }));
        Assert.Empty(await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Namespace = "missing" }));
    }

    [Fact]
    public async Task List_by_namespace_across_threads()
    {
        var (a, b) = (NewThread(), NewThread());
        var subA = await PutChainAsync(a, 2, "sub");
        var subB = await PutChainAsync(b, 1, "sub");
        await PutChainAsync(a, 2);

        Assert.Equal(NewestFirst(subA.Concat(subB)), await ListIdsAsync(new CheckpointFilter { Namespace = "sub" }));
    }

    [Fact]
    public async Task List_is_newest_first_by_id_whatever_the_put_order()
    {
        var thread = NewThread();
        var root = Record(thread);
        var children = Enumerable.Range(0, 5).Select(i => Record(thread, parentId: root.Id, step: 1)).ToList();
        await PutAsync(root);
        foreach (var child in Enumerable.Reverse(children))
        {
            await PutAsync(child, PutMode.Branch);
        }

        var ids = await ListIdsAsync(new CheckpointFilter { ThreadId = thread });

        Assert.Equal(NewestFirst(children.Append(root)), ids);
        Assert.Equal(root.Id, ids[^1]);
        Assert.Equal(children[^1].Id, ids[0]);
    }

    [Fact]
    public async Task List_returns_full_records_with_pending_writes()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 2);
        await Saver.PutWritesAsync(thread, "", chain[1].Id, [Write("t", 0, "c", "w")]);

        var tuples = await ListAllAsync(new CheckpointFilter { ThreadId = thread });

        AssertSameRecord(chain[1], tuples[0].Checkpoint);
        AssertSameRecord(chain[0], tuples[1].Checkpoint);
        Assert.Equal(["w"], tuples[0].PendingWrites.Select(WriteValue));
        Assert.Empty(tuples[1].PendingWrites);
    }

    [Fact]
    public async Task List_with_a_single_metadata_key()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 4, metadata: i => Map("parity", i % 2 == 0 ? "even" : "odd"));

        Assert.Equal(NewestFirst([chain[0], chain[2]]),
            await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Metadata = Map("parity", "even") }));
    }

    [Fact]
    public async Task List_with_several_metadata_keys_requires_all_of_them()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 4, metadata: i => new Dictionary<string, string>
        {
            ["parity"] = i % 2 == 0 ? "even" : "odd",
            ["half"] = i < 2 ? "low" : "high",
            ["extra"] = "x",
        });

        var ids = await ListIdsAsync(new CheckpointFilter
        {
            ThreadId = thread,
            Metadata = new Dictionary<string, string> { ["parity"] = "even", ["half"] = "high" },
        });

        Assert.Equal([chain[2].Id], ids);
    }

    [Fact]
    public async Task List_with_metadata_that_matches_nothing_is_empty()
    {
        var thread = NewThread();
        await PutChainAsync(thread, 3, metadata: _ => Map("user", "alice"));

        Assert.Empty(await ListIdsAsync(new CheckpointFilter { Metadata = Map("user", "bob") }));
        Assert.Empty(await ListIdsAsync(new CheckpointFilter { Metadata = Map("user", "Alice") }));
        Assert.Empty(await ListIdsAsync(new CheckpointFilter { Metadata = Map("missing", "alice") }));
        Assert.Empty(await ListIdsAsync(new CheckpointFilter { Metadata = new Dictionary<string, string> { ["user"] = "alice", ["other"] = "x" } }));
    }

    [Fact]
    public async Task List_with_empty_metadata_filter_matches_everything()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 3);

        Assert.Equal(NewestFirst(chain), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Metadata = new Dictionary<string, string>() }));
    }

    [Fact]
    public async Task List_before_returns_only_older_checkpoints()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 5);

        Assert.Equal(NewestFirst(chain.Take(3)), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Before = chain[3].Id }));
        Assert.Empty(await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Before = chain[0].Id }));
        Assert.Equal(NewestFirst(chain), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Before = CheckpointIds.NewId() }));
    }

    [Fact]
    public async Task List_limit_returns_the_newest()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 5);

        Assert.Equal(NewestFirst(chain).Take(2), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Limit = 2 }));
        Assert.Equal(NewestFirst(chain), await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Limit = 50 }));
        Assert.Empty(await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Limit = 0 }));
    }

    [Fact]
    public async Task List_limit_and_before_page_through_history()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 7);
        var pages = new List<List<Guid>>();
        Guid? before = null;
        while (true)
        {
            var page = await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Before = before, Limit = 3 });
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page);
            before = page[^1];
        }

        Assert.Equal([3, 3, 1], pages.Select(p => p.Count));
        Assert.Equal(NewestFirst(chain), pages.SelectMany(p => p));
    }

    [Fact]
    public async Task List_limit_applies_after_the_metadata_filter()
    {
        var thread = NewThread();
        var chain = await PutChainAsync(thread, 6, metadata: i => Map("parity", i % 2 == 0 ? "even" : "odd"));

        var ids = await ListIdsAsync(new CheckpointFilter { ThreadId = thread, Metadata = Map("parity", "odd"), Limit = 2 });

        Assert.Equal([chain[5].Id, chain[3].Id], ids);
    }

    [Fact]
    public async Task List_honours_cancellation()
    {
        var thread = NewThread();
        await PutChainAsync(thread, 3);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ListAllAsync(new CheckpointFilter { ThreadId = thread }, cts.Token));
    }

    [Fact]
    public async Task List_can_be_cancelled_while_streaming()
    {
        var thread = NewThread();
        await PutChainAsync(thread, 5);
        using var cts = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Saver.ListAsync(new CheckpointFilter { ThreadId = thread }, cts.Token))
            {
                seen++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, seen);
    }
}
