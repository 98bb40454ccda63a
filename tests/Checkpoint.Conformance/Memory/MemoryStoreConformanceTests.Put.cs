using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

public abstract partial class MemoryStoreConformanceTests
{
    [Fact]
    public async Task Put_then_get_round_trips_every_field()
    {
        var expires = Clock.GetUtcNow().AddDays(3);
        var write = new MemoryWrite
        {
            Namespace = Ns("users/42/facts"),
            Key = "lang",
            Kind = MemoryKind.Semantic,
            Content = "Alice prefers Python over JavaScript.",
            Metadata = new Dictionary<string, object> { ["source"] = "chat", ["score"] = 3, ["ratio"] = 0.25f, ["pinned"] = true },
            Entities = ["Alice", "Python"],
            Importance = 0.8,
            ExpiresAt = expires,
            SubjectId = "user-42",
        }.WithValue(new Preference("python", 7, ["backend", "data"]));

        var put = (await PutAsync(write))[0];
        var got = await Store.GetAsync(Ns("users/42/facts"), "lang");

        foreach (var item in new[] { put, got! })
        {
            Assert.Equal(Ns("users/42/facts"), item.Namespace);
            Assert.Equal("lang", item.Key);
            Assert.Equal(MemoryKind.Semantic, item.Kind);
            Assert.Equal("Alice prefers Python over JavaScript.", item.Content);
            var value = item.GetValue<Preference>()!;
            Assert.Equal(("python", 7), (value.Language, value.Years));
            Assert.Equal(["backend", "data"], value.Tags);
            Assert.Equal("chat", item.Metadata["source"]);
            Assert.Equal(3L, item.Metadata["score"]);
            Assert.Equal(0.25, item.Metadata["ratio"]);
            Assert.Equal(true, item.Metadata["pinned"]);
            Assert.Equal(["Alice", "Python"], item.Entities);
            Assert.Equal(0.8, item.Importance);
            Assert.Equal(expires, item.ExpiresAt);
            Assert.Equal("user-42", item.SubjectId);
            Assert.Equal(1, item.Version);
            Assert.Equal(0, item.AccessCount);
            Assert.Equal(Clock.GetUtcNow(), item.CreatedAt);
            Assert.Equal(Clock.GetUtcNow(), item.UpdatedAt);
            Assert.Equal(Clock.GetUtcNow(), item.LastAccessedAt);
        }
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null_and_items_without_value_read_default()
    {
        Assert.Null(await Store.GetAsync(Ns("a"), "missing"));
        var item = (await PutAsync(Write("a", "k", "text")))[0];
        Assert.Null(item.Value);
        Assert.Null(item.GetValue<Preference>());
        Assert.Equal(MemoryKind.LongTerm, item.Kind);
        Assert.Equal(0.5, item.Importance);
    }

    [Fact]
    public async Task Update_bumps_version_and_updated_at_and_keeps_created_at()
    {
        var created = Clock.GetUtcNow();
        await PutAsync(Write("a", "k", "first"));
        Clock.Advance(TimeSpan.FromMinutes(5));

        var updated = (await PutAsync(Write("a", "k", "second")))[0];

        Assert.Equal(2, updated.Version);
        Assert.Equal(created, updated.CreatedAt);
        Assert.Equal(Clock.GetUtcNow(), updated.UpdatedAt);
        var read = await Store.GetAsync(Ns("a"), "k");
        Assert.Equal(("second", 2L, created), (read!.Content, read.Version, read.CreatedAt));
    }

    [Fact]
    public async Task Expected_version_guards_concurrent_writers()
    {
        var first = (await PutAsync(Write("a", "k", "v1") with { ExpectedVersion = 0 }))[0];
        var second = (await PutAsync(Write("a", "k", "v2") with { ExpectedVersion = first.Version }))[0];
        Assert.Equal(2, second.Version);

        var stale = await Assert.ThrowsAsync<MemoryConflictException>(() => PutAsync(Write("a", "k", "v3") with { ExpectedVersion = 1 }));
        Assert.Equal((1L, 2L, "k"), (stale.ExpectedVersion, stale.ActualVersion, stale.Key));
        Assert.Contains("expected version 1", stale.Message, StringComparison.Ordinal);
        Assert.Contains("'a'", stale.Message, StringComparison.Ordinal);

        var exists = await Assert.ThrowsAsync<MemoryConflictException>(() => PutAsync(Write("a", "k", "v3") with { ExpectedVersion = 0 }));
        Assert.Equal(2, exists.ActualVersion);

        var missing = await Assert.ThrowsAsync<MemoryConflictException>(() => PutAsync(Write("a", "new", "x") with { ExpectedVersion = 4 }));
        Assert.Equal(0, missing.ActualVersion);
        Assert.Equal("v2", (await Store.GetAsync(Ns("a"), "k"))!.Content);
        Assert.Null(await Store.GetAsync(Ns("a"), "new"));
    }

    [Fact]
    public async Task Delete_removes_the_item_and_reports_whether_it_existed()
    {
        await PutAsync(Write("a", "k", "text"));

        Assert.True(await Store.DeleteAsync(Ns("a"), "k"));
        Assert.False(await Store.DeleteAsync(Ns("a"), "k"));
        Assert.Null(await Store.GetAsync(Ns("a"), "k"));
        Assert.Empty(await Store.SearchAsync(Search("a")));
        var again = (await PutAsync(Write("a", "k", "back") with { ExpectedVersion = 0 }))[0];
        Assert.Equal(1, again.Version);
    }

    [Fact]
    public async Task Put_many_stores_all_with_one_embedding_call_and_a_conflict_stores_none()
    {
        var callsBefore = Embeddings.Calls;
        var stored = await PutAsync(Write("a", "1", "one"), Write("a", "2", "two"), Write("b", "1", "three"));
        Assert.Equal(["1", "2", "1"], stored.Select(i => i.Key));
        Assert.Equal(callsBefore + 1, Embeddings.Calls);

        await Assert.ThrowsAsync<MemoryConflictException>(() =>
            PutAsync(Write("a", "3", "new"), Write("a", "1", "changed") with { ExpectedVersion = 0 }));

        Assert.Null(await Store.GetAsync(Ns("a"), "3"));
        Assert.Equal("one", (await Store.GetAsync(Ns("a"), "1"))!.Content);
        Assert.Empty(await Store.PutManyAsync([]));
    }

    [Theory]
    [InlineData("it's")]
    [InlineData("\"quoted\"")]
    [InlineData("star*")]
    [InlineData("a NEAR b")]
    [InlineData("-minus")]
    [InlineData("x OR 1=1; DROP TABLE memories; --")]
    [InlineData("100%_done")]
    [InlineData("path/like\\key")]
    public async Task Keys_with_sql_and_fts_syntax_are_data(string key)
    {
        await PutAsync(Write("a", key, $"content of {key}"), Write("a", "other", "something else"));

        Assert.Equal($"content of {key}", (await Store.GetAsync(Ns("a"), key))!.Content);
        Assert.Null(await Store.GetAsync(Ns("a"), key + "x"));
        Assert.True(await Store.DeleteAsync(Ns("a"), key));
        Assert.NotNull(await Store.GetAsync(Ns("a"), "other"));
    }

    [Fact]
    public async Task Expired_items_are_hidden_and_ttl_counts_from_the_write()
    {
        await PutAsync(
            Write("a", "ttl", "short lived pizza") with { TimeToLive = TimeSpan.FromHours(1) },
            Write("a", "at", "fixed expiry pizza") with { ExpiresAt = Clock.GetUtcNow().AddHours(2) },
            Write("a", "forever", "permanent pizza"));
        Assert.Equal(Clock.GetUtcNow().AddHours(1), (await Store.GetAsync(Ns("a"), "ttl"))!.ExpiresAt);

        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await Store.GetAsync(Ns("a"), "ttl"));
        Assert.Equal(["at", "forever"], (await KeysAsync(Search("a", "pizza"))).Order());

        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(["forever"], await KeysAsync(Search("a", "pizza")));
        Assert.Equal(["forever"], await KeysAsync(Search("a")));

        var reborn = (await PutAsync(Write("a", "ttl", "back") with { ExpectedVersion = 0 }))[0];
        Assert.Equal(2, reborn.Version); // an expired item counts as absent, but its versions are not reused
        Assert.Equal(Clock.GetUtcNow(), reborn.CreatedAt);
    }

    [Fact]
    public async Task Search_records_accesses_without_changing_the_version()
    {
        await PutAsync(Write("a", "k", "pizza on fridays"));
        Clock.Advance(TimeSpan.FromMinutes(1));

        var hit = Assert.Single(await Store.SearchAsync(Search("a", "pizza")));
        Assert.Equal((1L, Clock.GetUtcNow()), (hit.Item.AccessCount, hit.Item.LastAccessedAt));

        var read = await Store.GetAsync(Ns("a"), "k");
        Assert.Equal((1L, 1L, Clock.GetUtcNow()), (read!.AccessCount, read.Version, read.LastAccessedAt));
        Assert.Equal(read.CreatedAt, read.UpdatedAt);
    }

    [Fact]
    public async Task Changing_objects_after_a_put_does_not_change_the_store()
    {
        var metadata = new Dictionary<string, object> { ["a"] = "before" };
        var entities = new List<string> { "Alice" };
        var value = new byte[] { 0xA3, (byte)'a', (byte)'b', (byte)'c' }; // MessagePack "abc"
        await PutAsync(Write("a", "k", "text") with { Metadata = metadata, Entities = entities, Value = value });

        metadata["a"] = "after";
        entities.Add("Bob");
        value[1] = (byte)'z';

        var read = await Store.GetAsync(Ns("a"), "k");
        Assert.Equal("before", read!.Metadata["a"]);
        Assert.Equal(["Alice"], read.Entities);
        Assert.Equal("abc", read.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_writers_expecting_the_same_version_have_exactly_one_winner()
    {
        await PutAsync(Write("a", "k", "v1"));

        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await Store.PutAsync(Write("a", "k", $"writer {i}") with { ExpectedVersion = 1 });
                return true;
            }
            catch (MemoryConflictException)
            {
                return false;
            }
        })).ToList();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(won => won));
        var stored = await Store.GetAsync(Ns("a"), "k");
        Assert.Equal(2, stored!.Version);
        Assert.Equal($"writer {Array.IndexOf(results, true)}", stored.Content);
    }
}
