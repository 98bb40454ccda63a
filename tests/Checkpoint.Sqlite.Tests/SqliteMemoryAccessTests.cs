using Checkpoint.Conformance.Memory;
using Checkpoint.Memory;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Access counters recorded by searches: held in memory, written together after the flush interval or on dispose.</summary>
public sealed class SqliteMemoryAccessTests : IDisposable
{
    private static readonly MemoryNamespace Facts = MemoryNamespace.Of("users", "7");
    private readonly TempDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _database.Dispose();

    private SqliteMemoryStore Open(TimeSpan? flushInterval = null) => new(
        _database.Path,
        new MemoryStoreOptions { Embeddings = new ConceptEmbeddingGenerator(), TimeProvider = _clock },
        new SqliteMemoryStoreOptions { AccessFlushInterval = flushInterval ?? TimeSpan.FromSeconds(1) });

    private static MemorySearch Search(string query) => new() { NamespacePrefix = Facts, Query = query, Mode = SearchMode.Keyword };

    private static MemoryWrite Item(string key, string content) => new() { Namespace = Facts, Key = key, Content = content };

    [Fact]
    public async Task Other_stores_see_the_counts_after_the_flush_interval_and_this_store_at_once()
    {
        await using var searcher = Open();
        await using var other = Open();
        await searcher.PutAsync(Item("dog", "Has a dog"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var searchedAt = _clock.GetUtcNow();

        Assert.Single(await searcher.SearchAsync(Search("dog")));
        Assert.Single(await searcher.SearchAsync(Search("dog")));

        Assert.Equal(2, (await searcher.GetAsync(Facts, "dog"))!.AccessCount);
        Assert.Equal(0, (await other.GetAsync(Facts, "dog"))!.AccessCount);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var seen = await EventuallyAsync(async () => (await other.GetAsync(Facts, "dog"))!, item => item.AccessCount == 2);
        Assert.Equal(searchedAt, seen.LastAccessedAt);
        Assert.Equal(2, (await searcher.GetAsync(Facts, "dog"))!.AccessCount);
    }

    [Fact]
    public async Task Disposing_the_store_writes_what_is_pending()
    {
        await using (var searcher = Open(TimeSpan.FromHours(1)))
        {
            await searcher.PutAsync(Item("dog", "Has a dog"));
            Assert.Single(await searcher.SearchAsync(Search("dog")));
        }

        await using var reopened = Open();
        Assert.Equal(1, (await reopened.GetAsync(Facts, "dog"))!.AccessCount);
    }

    [Fact]
    public async Task A_zero_interval_writes_with_each_search()
    {
        await using var searcher = Open(TimeSpan.Zero);
        await using var other = Open();
        await searcher.PutAsync(Item("dog", "Has a dog"));

        Assert.Single(await searcher.SearchAsync(Search("dog")));

        Assert.Equal(1, (await other.GetAsync(Facts, "dog"))!.AccessCount);
    }

    [Fact]
    public async Task A_put_keeps_pending_counts_once_and_a_new_item_with_a_deleted_key_starts_from_zero()
    {
        await using var store = Open(TimeSpan.FromHours(1));
        await store.PutManyAsync([Item("dog", "Has a dog"), Item("cat", "Has a cat")]);
        Assert.Equal(2, (await store.SearchAsync(Search("dog cat"))).Count);

        await store.PutAsync(Item("dog", "Has two dogs"));
        Assert.True(await store.DeleteAsync(Facts, "cat"));
        await store.PutAsync(Item("cat", "Had a cat"));
        await store.FlushAccessAsync();

        Assert.Equal(1, (await store.GetAsync(Facts, "dog"))!.AccessCount);
        Assert.Equal(0, (await store.GetAsync(Facts, "cat"))!.AccessCount);
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(10);
        }
    }
}
