using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Tests.Storage;

/// <summary>The saver's bounded cache of chunk content: coverage, replacement, eviction and dropping a thread.</summary>
public sealed class ChunkContentCacheTests
{
    private static readonly ChunkBlobKey Key = new("thread", "", Guid.CreateVersion7());

    [Fact]
    public void A_run_is_served_only_up_to_the_end_the_entry_was_read_for()
    {
        var cache = new ChunkContentCache(1 << 20);
        cache.Add(Key, 5, Chunks(0, 2, 4));

        Assert.Equal([0, 2, 4], cache.TryGetRun(Key, 5)!.Select(c => c.Sequence));
        Assert.Equal([0, 2], cache.TryGetRun(Key, 4)!.Select(c => c.Sequence));
        Assert.Null(cache.TryGetRun(Key, 6));
        Assert.Null(cache.TryGetRun(Key with { ThreadId = "other" }, 5));
        Assert.Null(cache.TryGetRun(Key with { Namespace = "sub" }, 5));
    }

    [Fact]
    public void A_longer_run_replaces_a_shorter_one_and_never_the_reverse()
    {
        var cache = new ChunkContentCache(1 << 20);
        cache.Add(Key, 2, Chunks(0, 1));
        cache.Add(Key, 3, Chunks(0, 1, 2));
        cache.Add(Key, 1, Chunks(0));

        Assert.Equal(3, cache.TryGetRun(Key, 3)!.Count);
        Assert.Equal(3, cache.Held(Key).Count);
    }

    [Fact]
    public void The_least_recently_used_blob_is_evicted_to_stay_within_the_bound()
    {
        var first = Key with { BlobId = Guid.CreateVersion7() };
        var second = Key with { BlobId = Guid.CreateVersion7() };
        var third = Key with { BlobId = Guid.CreateVersion7() };
        var cache = new ChunkContentCache(700); // two entries of 292 bytes fit, three do not
        cache.Add(first, 1, Chunks(0));
        cache.Add(second, 1, Chunks(0));
        Assert.NotNull(cache.TryGetRun(first, 1)); // first is now the most recently used

        cache.Add(third, 1, Chunks(0));

        Assert.InRange(cache.Bytes, 1, 700);
        Assert.NotNull(cache.TryGetRun(first, 1));
        Assert.Null(cache.TryGetRun(second, 1));
        Assert.NotNull(cache.TryGetRun(third, 1));
    }

    [Fact]
    public void An_entry_larger_than_the_bound_is_not_kept_and_zero_disables_the_cache()
    {
        var small = new ChunkContentCache(100);
        small.Add(Key, 1, Chunks(0));
        Assert.Null(small.TryGetRun(Key, 1));

        var disabled = new ChunkContentCache(0);
        disabled.Add(Key, 1, Chunks(0));
        Assert.Null(disabled.TryGetRun(Key, 1));
        Assert.Equal(0, disabled.Bytes);
    }

    [Fact]
    public void Removing_a_thread_drops_its_blobs_in_every_namespace_and_no_others()
    {
        var cache = new ChunkContentCache(1 << 20);
        var inner = Key with { Namespace = "sub" };
        var other = Key with { ThreadId = "other" };
        cache.Add(Key, 1, Chunks(0));
        cache.Add(inner, 1, Chunks(0));
        cache.Add(other, 1, Chunks(0));

        cache.RemoveThread("thread");

        Assert.Null(cache.TryGetRun(Key, 1));
        Assert.Null(cache.TryGetRun(inner, 1));
        Assert.NotNull(cache.TryGetRun(other, 1));
        Assert.True(cache.Bytes > 0);
    }

    [Fact]
    public void An_assembled_list_is_kept_with_its_entry_for_its_item_type_and_dropped_with_it()
    {
        var cache = new ChunkContentCache(1 << 20);
        var list = new object();
        cache.RememberAssembled(Key, typeof(string), list, 3); // no entry yet: not kept
        Assert.Null(cache.TryGetAssembled(Key, typeof(string), 1));

        cache.Add(Key, 3, Chunks(0, 1, 2));
        var before = cache.Bytes;
        cache.RememberAssembled(Key, typeof(string), list, 3);

        Assert.Same(list, cache.TryGetAssembled(Key, typeof(string), 2));
        Assert.Null(cache.TryGetAssembled(Key, typeof(string), 4));
        Assert.Null(cache.TryGetAssembled(Key, typeof(int), 2));
        Assert.True(cache.Bytes > before);

        cache.RemoveThread("thread");
        Assert.Null(cache.TryGetAssembled(Key, typeof(string), 2));
        Assert.Equal(0, cache.Bytes);
    }

    private static CachedChunk[] Chunks(params int[] sequences) =>
        [.. sequences.Select(s => new CachedChunk(s, new byte[100], null))];
}
