namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>What a person changes in the files is what the store returns next.</summary>
public sealed class PersonEditTests : MarkdownTestBase
{
    private static readonly string[] MemoryFile = ["users", "42", "MEMORY.md"];

    private async Task<MarkdownMemoryStore> SeedAsync()
    {
        var store = Open();
        await store.PutManyAsync([
            new MemoryWrite { Namespace = Users42, Key = "lang", Content = "Prefers Python over JS", Importance = 0.9, Entities = ["Python"] },
            new MemoryWrite { Namespace = Users42, Key = "pet", Content = "Has a puppy named Rex" },
            new MemoryWrite { Namespace = Users42, Key = "food", Content = "Vegetarian, loves pasta" },
        ]);
        return store;
    }

    [Fact]
    public async Task A_rewritten_bullet_keeps_its_key_and_fields_and_gets_the_next_version()
    {
        var store = await SeedAsync();

        Edit(MemoryFile, text => text.Replace("Prefers Python over JS", "Prefers Rust over JS", StringComparison.Ordinal));

        var item = await store.GetAsync(Users42, "lang");
        Assert.Equal(("Prefers Rust over JS", 2L, 0.9), (item!.Content, item.Version, item.Importance));
        Assert.Equal(["Python"], item.Entities);
        Assert.Equal("lang", Assert.Single(await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42, Query = "Rust", Mode = SearchMode.Keyword })).Item.Key);
        Assert.Equal(2, (await Open().GetAsync(Users42, "lang"))!.Version); // every reader derives the same version

        // The next version check sees the person's version.
        await Assert.ThrowsAsync<MemoryConflictException>(() => store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "lang", Content = "x", ExpectedVersion = 1 }));
        var written = await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "lang", Content = "Prefers Rust and Go", ExpectedVersion = 2 });
        Assert.Equal(3, written.Version);
    }

    [Fact]
    public async Task A_bullet_added_without_a_tag_is_a_new_item_whose_key_survives_the_next_write()
    {
        var store = await SeedAsync();

        Edit(MemoryFile, text => text + "- Lives in Berlin\n");

        var hit = Assert.Single(await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42, Query = "Berlin", Mode = SearchMode.Keyword }));
        Assert.StartsWith("md-", hit.Item.Key, StringComparison.Ordinal);
        Assert.Equal((MemoryKind.LongTerm, 1L, 0.5), (hit.Item.Kind, hit.Item.Version, hit.Item.Importance));

        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "other", Content = "something else" });

        Assert.Contains($"- Lives in Berlin <!-- key={hit.Item.Key} v=1 ", ReadFile(MemoryFile), StringComparison.Ordinal);
        Edit(MemoryFile, text => text.Replace("Lives in Berlin", "Lives in Hamburg", StringComparison.Ordinal));
        var moved = await Open().GetAsync(Users42, hit.Item.Key);
        Assert.Equal(("Lives in Hamburg", 2L), (moved!.Content, moved.Version));
    }

    [Fact]
    public async Task A_deleted_bullet_is_gone_and_the_others_stay()
    {
        var store = await SeedAsync();

        Edit(MemoryFile, text => string.Join('\n', text.Split('\n').Where(line => !line.Contains("puppy", StringComparison.Ordinal))));

        Assert.Null(await store.GetAsync(Users42, "pet"));
        Assert.Equal(["food", "lang"], (await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42 })).Select(hit => hit.Item.Key).Order());
    }

    [Fact]
    public async Task Headings_and_notes_a_person_writes_are_kept_when_the_store_rewrites_the_file()
    {
        var store = await SeedAsync();
        Edit(MemoryFile, text => text.Replace("# Memory\n", "# Memory\n\nNotes about user 42, kept by hand.\n\n## Preferences\n", StringComparison.Ordinal));

        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "pet", Content = "Has two puppies" });

        var text = ReadFile(MemoryFile);
        Assert.StartsWith("# Memory\n\nNotes about user 42, kept by hand.\n\n## Preferences\n\n- Prefers Python over JS <!--", text, StringComparison.Ordinal);
        Assert.Contains("- Has two puppies <!-- key=pet v=2 ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_a_person_creates_are_read_SOUL_md_and_a_daily_log()
    {
        var store = Open();
        Edit(["users", "42", "SOUL.md"], _ => "You are Ada.\nYou are patient.\n");
        Edit(["users", "42", "memory", "2026-02-03.md"], _ => "# 3 February\n\n* Went hiking\n* Cooked pasta\n  for friends\n");
        Edit(["users", "42", "memory", "notes.md"], _ => "- not a daily log, ignored\n");

        Assert.Equal("You are Ada.\nYou are patient.", (await store.GetAsync(Users42, "soul"))!.Content);
        var episodes = (await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42, Kinds = [MemoryKind.Episodic] })).Select(hit => hit.Item.Content).Order();
        Assert.Equal(["Cooked pasta\nfor friends", "Went hiking"], episodes);
    }

    [Fact]
    public async Task An_edited_bullet_is_embedded_again_and_unchanged_ones_are_not()
    {
        await SeedAsync();
        var search = new MemorySearch { NamespacePrefix = Users42, Query = "what animal do they have", Mode = SearchMode.Vector };
        var afterPut = Embeddings.Texts.Count;

        // A new instance (a restart) finds every vector in the cache: only the query is embedded.
        Assert.Equal("pet", (await Open().SearchAsync(search))[0].Item.Key);
        Assert.Equal([search.Query!], Embeddings.Texts.Skip(afterPut));

        Edit(MemoryFile, text => text.Replace("Has a puppy named Rex", "Has a kitten named Tom", StringComparison.Ordinal));
        var before = Embeddings.Texts.Count;
        var hits = await Open().SearchAsync(search);

        Assert.Equal("pet", hits[0].Item.Key);
        Assert.Equal("Has a kitten named Tom", hits[0].Item.Content);
        Assert.Equal(["Has a kitten named Tom", search.Query!], Embeddings.Texts.Skip(before).Order(StringComparer.Ordinal));

        var again = Embeddings.Texts.Count;
        _ = await Open().SearchAsync(search);
        Assert.Equal([search.Query!], Embeddings.Texts.Skip(again)); // the edited text is cached now
    }

    [Fact]
    public async Task A_copied_bullet_keeps_the_first_key_and_the_copy_becomes_a_new_item()
    {
        var store = await SeedAsync();
        var petLine = ReadFile(MemoryFile).Split('\n').Single(line => line.Contains("puppy", StringComparison.Ordinal));

        Edit(MemoryFile, text => text + petLine.Replace("a puppy named Rex", "a cat named Tom", StringComparison.Ordinal) + "\n");

        Assert.Equal("Has a puppy named Rex", (await store.GetAsync(Users42, "pet"))!.Content);
        var all = await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42 });
        Assert.Equal(4, all.Count);
        Assert.Contains(all, hit => hit.Item.Content == "Has a cat named Tom" && hit.Item.Key.StartsWith("md-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Searches_count_accesses_in_a_side_file_without_touching_the_markdown()
    {
        var store = await SeedAsync();
        var before = ReadFile(MemoryFile);
        var stamp = File.GetLastWriteTimeUtc(Root[MemoryFile]);

        _ = await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42, Query = "pasta" });
        _ = await store.SearchAsync(new MemorySearch { NamespacePrefix = Users42, Query = "pasta" });

        Assert.Equal(before, ReadFile(MemoryFile));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Root[MemoryFile]));
        Assert.Equal(2, (await Open().GetAsync(Users42, "food"))!.AccessCount);
        Assert.True(File.Exists(Root[".memory", "access.bin"]));
    }
}
