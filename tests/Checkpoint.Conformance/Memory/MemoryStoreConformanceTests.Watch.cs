using System.Globalization;
using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>The change feed: every change once, in commit order, across instances, resumable; erasures and gaps said.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    private static (MemoryEventKind, MemoryChangeKind, string?, string?, long) Shape(MemoryEvent e) =>
        (e.Kind, e.Change, e.Namespace?.ToString(), e.Key, e.Version);

    [Fact]
    public async Task A_watcher_sees_adds_updates_and_deletes_in_order_with_growing_ids()
    {
        await using var watcher = await FeedWatcher.StartAsync(Store, Ns("users"));

        await PutAsync(Write("users/ana", "city", "Lisbon"));
        await PutAsync(Write("users/ana", "city", "Porto"));
        await PutAsync(Write("users/bo", "city", "Oslo"), Write("users/bo", "pet", "cat"));
        Assert.True(await Store.DeleteAsync(Ns("users/ana"), "city"));

        var events = await watcher.NextAsync(5);
        Assert.Equal(
            [
                (MemoryEventKind.Changed, MemoryChangeKind.Add, "users/ana", "city", 1L),
                (MemoryEventKind.Changed, MemoryChangeKind.Update, "users/ana", "city", 2L),
                (MemoryEventKind.Changed, MemoryChangeKind.Add, "users/bo", "city", 1L),
                (MemoryEventKind.Changed, MemoryChangeKind.Add, "users/bo", "pet", 1L),
                (MemoryEventKind.Changed, MemoryChangeKind.Delete, "users/ana", "city", 2L),
            ],
            events.Select(Shape));
        Assert.All(events.Zip(events.Skip(1)), pair => Assert.True(pair.First.ChangeId < pair.Second.ChangeId, $"{pair.First} then {pair.Second}"));
        Assert.Equal(Clock.GetUtcNow(), events[0].At);
        Assert.Equal([false, false, false, false, true], events.Select(e => e.IsRemoval));
        Assert.Equal(events[^1].ChangeId, await Store.GetLatestChangeIdAsync());
    }

    [Fact]
    public async Task A_watcher_sees_only_its_prefix_by_whole_labels()
    {
        await using var watcher = await FeedWatcher.StartAsync(Store, Ns("users/4"));

        await PutAsync(Write("users/42", "k", "not mine"));
        await PutAsync(Write("users", "k", "not mine either"));
        await PutAsync(Write("users/4", "k", "mine"));
        await PutAsync(Write("users/4/facts", "k", "mine too"));

        Assert.Equal(["users/4", "users/4/facts"], (await watcher.NextAsync(2)).Select(e => e.Namespace!.ToString()));
        Assert.Empty(await watcher.DrainAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Watching_from_now_skips_the_past_and_from_zero_replays_it()
    {
        await PutAsync(Write("p", "old", "before the watch"));
        await using var live = await FeedWatcher.StartAsync(Store, Ns("p"));
        await using var replay = await FeedWatcher.StartAsync(Store, Ns("p"), after: 0);

        await PutAsync(Write("p", "new", "after the watch"));

        Assert.Equal(["new"], (await live.NextAsync()).Select(e => e.Key));
        Assert.Equal(["old", "new"], (await replay.NextAsync(2)).Select(e => e.Key));
    }

    [Fact]
    public async Task A_watcher_that_stops_resumes_from_its_last_id_without_loss_or_repeat()
    {
        for (var i = 0; i < 3; i++)
        {
            await PutAsync(Write("p", $"k{i}", "first batch"));
        }

        long last;
        await using (var first = await FeedWatcher.StartAsync(Store, Ns("p"), after: 0))
        {
            var events = await first.NextAsync(2);
            last = events[^1].ChangeId;
        }

        for (var i = 3; i < 6; i++)
        {
            await PutAsync(Write("p", $"k{i}", "while nobody watched"));
        }

        await using var resumed = await FeedWatcher.StartAsync(Store, Ns("p"), after: last);
        Assert.Equal(["k2", "k3", "k4", "k5"], (await resumed.NextAsync(4)).Select(e => e.Key));
        Assert.Empty(await resumed.DrainAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_replay_longer_than_one_read_arrives_whole_and_in_order()
    {
        const int Count = 600;
        for (var batch = 0; batch < Count / 100; batch++)
        {
            await PutAsync([.. Enumerable.Range(batch * 100, 100).Select(i => Write(i % 2 == 0 ? "p/even" : "q", $"k{i:D4}", "x"))]);
        }

        await using var watcher = await FeedWatcher.StartAsync(Store, Ns("p"), after: 0);

        var events = await watcher.NextAsync(Count / 2);
        Assert.Equal(Enumerable.Range(0, Count / 2).Select(i => $"k{i * 2:D4}"), events.Select(e => e.Key));
        Assert.Empty(await watcher.DrainAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Conditional_deletes_expiry_and_eviction_are_events_too()
    {
        var store = await NewStoreAsync(DefaultOptions with { Capacity = [new CapacityLimit("c", 1)] });
        await using var watcher = await FeedWatcher.StartAsync(store, MemoryNamespace.Of("c"));
        await store.PutAsync(Write("c", "a", "soon expired") with { TimeToLive = TimeSpan.FromMinutes(1) });
        Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Single(await store.PurgeExpiredAsync());
        var kept = await store.PutAsync(Write("c", "b", "kept for now"));
        Assert.True(await store.DeleteAsync(Ns("c"), "b", kept.Version));
        await store.PutAsync(Write("c", "c1", "first"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await store.PutAsync(Write("c", "c2", "second, over capacity"));

        var kinds = (await watcher.NextAsync(7)).Select(e => (e.Change, e.Key)).ToList();

        Assert.Equal(
            [
                (MemoryChangeKind.Add, "a"), (MemoryChangeKind.Expire, "a"), (MemoryChangeKind.Add, "b"), (MemoryChangeKind.Delete, "b"),
                (MemoryChangeKind.Add, "c1"), (MemoryChangeKind.Add, "c2"),
            ],
            kinds.Take(6));
        Assert.Equal(MemoryChangeKind.Evict, kinds[6].Change);
    }

    [Fact]
    public async Task An_erasure_is_one_event_without_the_subject_and_a_replay_no_longer_shows_its_items()
    {
        var start = await Store.GetLatestChangeIdAsync();
        await using var watcher = await FeedWatcher.StartAsync(Store, MemoryNamespace.Of("users"));
        await Store.PutAsync(Write("users/ana", "city", "Lisbon") with { SubjectId = "ana" });
        await Store.PutAsync(Write("users/bo", "city", "Oslo") with { SubjectId = "bo" });
        Assert.Equal(2, (await watcher.NextAsync(2)).Count);

        await Store.EraseSubjectAsync("ana");

        var erased = Assert.Single(await watcher.NextAsync());
        Assert.Equal((MemoryEventKind.Erased, null, null, 0L), (erased.Kind, erased.Namespace, erased.Key, erased.Version));
        Assert.DoesNotContain("ana", erased.ToString(), StringComparison.Ordinal);
        await using var replay = await FeedWatcher.StartAsync(Store, MemoryNamespace.Of("users"), after: start);
        Assert.Equal([(MemoryEventKind.Changed, "bo"), (MemoryEventKind.Erased, null)],
            (await replay.NextAsync(2)).Select(e => (e.Kind, e.Namespace?.Labels[^1])));

        _ = await Store.EraseSubjectAsync("nobody");
        await Store.PutAsync(Write("users/bo", "pet", "cat"));
        Assert.Equal(MemoryEventKind.Changed, (await watcher.NextAsync()).Single().Kind); // erasing nothing is no event
    }

    [Fact]
    public async Task A_watcher_ahead_of_the_feed_is_told_of_a_gap_and_then_follows()
    {
        await PutAsync(Write("p", "a", "one"));
        var latest = await Store.GetLatestChangeIdAsync();
        await using var watcher = await FeedWatcher.StartAsync(Store, Ns("p"), after: latest + 1_000);

        var gap = (await watcher.NextAsync()).Single();
        await PutAsync(Write("p", "b", "two"));

        Assert.Equal((MemoryEventKind.Gap, latest), (gap.Kind, gap.ChangeId));
        Assert.Equal("b", (await watcher.NextAsync()).Single().Key);
    }

    [Fact]
    public async Task A_watcher_sees_the_changes_another_instance_commits()
    {
        var other = await SharedStoreAsync(DefaultOptions);
        if (other is null)
        {
            return; // nothing to share in process memory
        }

        await using var watcher = await FeedWatcher.StartAsync(Store, Ns("shared"));

        await other.PutAsync(Write("shared", "fact", "from the other instance"));
        await other.DeleteAsync(Ns("shared"), "fact");

        Assert.Equal([MemoryChangeKind.Add, MemoryChangeKind.Delete], (await watcher.NextAsync(2)).Select(e => e.Change));
        Assert.Equal(await other.GetLatestChangeIdAsync(), await Store.GetLatestChangeIdAsync());
    }

    [Fact]
    public async Task Concurrent_writers_on_two_instances_produce_every_version_once_in_order()
    {
        const int Writers = 4;
        const int Increments = 15;
        var other = await SharedStoreAsync(DefaultOptions) ?? Store;
        await using var watcher = await FeedWatcher.StartAsync(other, Ns("shared"));

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < Increments; i++)
            {
                await (w % 2 == 0 ? Store : other).UpdateAsync(Ns("shared"), "counter", Increment, maxAttempts: 1_000);
            }
        })));

        var events = await watcher.NextAsync(Writers * Increments);
        Assert.Equal(Enumerable.Range(1, Writers * Increments).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Equal(events.Select(e => e.ChangeId).Order(), events.Select(e => e.ChangeId));
        Assert.Equal(
            (Writers * Increments).ToString(CultureInfo.InvariantCulture),
            (await Store.GetAsync(Ns("shared"), "counter"))!.Content);
    }

    [Fact]
    public async Task Cancelling_ends_a_watch_and_disposing_the_store_ends_it_with_a_clear_error()
    {
        var store = await NewStoreAsync(DefaultOptions);
        using var cancel = new CancellationTokenSource();
        var cancelled = Task.Run(async () =>
        {
            await foreach (var _ in store.WatchAsync(Ns("p"), cancellationToken: cancel.Token))
            {
            }
        });
        var disposed = Task.Run(async () =>
        {
            await foreach (var _ in store.WatchAsync(Ns("p")))
            {
            }
        });
        await Task.Delay(200);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(FeedWatcher.Patience));
        await store.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => disposed.WaitAsync(FeedWatcher.Patience));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () =>
        {
            await foreach (var _ in store.WatchAsync(Ns("p")))
            {
            }
        });
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            await foreach (var _ in Store.WatchAsync(Ns("p"), after: -1))
            {
            }
        });
    }
}
