namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>What a crashed writer leaves behind does not break the store.</summary>
public sealed class CrashLeftoverTests : MarkdownTestBase
{
    [Fact]
    public async Task A_leftover_temp_file_lock_file_and_torn_embedding_cache_are_harmless()
    {
        var store = Open();
        await store.PutManyAsync([
            new MemoryWrite { Namespace = Users42, Key = "pet", Content = "Has a puppy named Rex" },
            new MemoryWrite { Namespace = Users42, Key = "food", Content = "Vegetarian, loves pasta" },
        ]);

        // A writer died after writing its temp file and half an embedding entry; its lock file stays.
        var temp = Root["users", "42", ".MEMORY.md.0123456789abcdef0123456789abcdef.tmp"];
        File.WriteAllText(temp, "- half written <!-- key=pet v=9");
        using (var cache = new FileStream(Root[".memory", "embeddings.bin"], FileMode.Append))
        {
            cache.Write(new byte[50]);
        }

        Assert.True(File.Exists(Root[".memory.lock"]));

        var restarted = Open();
        var before = Embeddings.Texts.Count;
        var search = new MemorySearch { NamespacePrefix = Users42, Query = "which animal", Mode = SearchMode.Vector };
        Assert.Equal("pet", (await restarted.SearchAsync(search))[0].Item.Key);
        Assert.Equal(1, Embeddings.Texts.Count - before); // the query only: complete entries still count
        Assert.Equal(1, (await restarted.GetAsync(Users42, "pet"))!.Version);

        await restarted.PutAsync(new MemoryWrite { Namespace = Users42, Key = "city", Content = "Lives in Berlin, takes the train" });

        Assert.False(File.Exists(temp));
        before = Embeddings.Texts.Count;
        var third = Open();
        Assert.Equal("city", (await third.SearchAsync(search with { Query = "travel by train" }))[0].Item.Key);
        Assert.Equal(1, Embeddings.Texts.Count - before); // the entry appended after the torn tail reads back
    }

    [Fact]
    public async Task A_damaged_tag_makes_the_bullet_a_new_item_instead_of_failing()
    {
        var store = Open();
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "pet", Content = "Has a puppy" });

        Edit(["users", "42", "MEMORY.md"], text => text.Replace(" d=", " d=%%", StringComparison.Ordinal).Replace("h=", "h=x", StringComparison.Ordinal));
        var hits = await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42 });
        Assert.Single(hits);

        Edit(["users", "42", "MEMORY.md"], text => text.Replace("d=%%", "d=AAAA", StringComparison.Ordinal));
        var item = Assert.Single(await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42 })).Item;
        Assert.StartsWith("md-", item.Key, StringComparison.Ordinal);
    }
}
