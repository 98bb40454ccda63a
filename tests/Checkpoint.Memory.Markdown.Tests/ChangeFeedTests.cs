using System.Text.Json;
using Checkpoint.Conformance.Memory;

namespace Checkpoint.Memory.Markdown.Tests;

/// <summary>The markdown store's change feed: ids in <c>history.jsonl</c>, people's edits as events, old logs upgraded.</summary>
public sealed class ChangeFeedTests : MarkdownTestBase
{
    private static readonly string[] MemoryFile = ["users", "42", "MEMORY.md"];
    private static readonly string[] HistoryFile = [".memory", "history.jsonl"];

    private async Task<MarkdownMemoryStore> SeedAsync()
    {
        var store = Open();
        await store.PutManyAsync([
            new MemoryWrite { Namespace = Users42, Key = "lang", Content = "Prefers Python over JS" },
            new MemoryWrite { Namespace = Users42, Key = "pet", Content = "Has a puppy named Rex" },
        ]);
        return store;
    }

    /// <summary>
    /// A person's save by rename, as many editors do: a watcher never reads the file half written. (A save in place is
    /// recorded once the file has rested, <see cref="FileStamp.Settle"/>; a test cannot make a machine keep to that.)
    /// </summary>
    private void SaveByRename(string[] parts, Func<string, string> change)
    {
        var path = Root[parts];
        var temp = path + ".editor-swap";
        File.WriteAllText(temp, change(File.ReadAllText(path)));
        var before = File.GetLastWriteTimeUtc(path);
        if (File.GetLastWriteTimeUtc(temp) == before)
        {
            File.SetLastWriteTimeUtc(temp, before.AddSeconds(1)); // the time moves, as in Edit
        }

        File.Move(temp, path, overwrite: true);
    }

    private static (MemoryEventKind, MemoryChangeKind, string?, long) Shape(MemoryEvent e) => (e.Kind, e.Change, e.Key, e.Version);

    private List<JsonElement> HistoryLines() =>
        [.. ReadFile(HistoryFile).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    [Fact]
    public async Task A_persons_edit_seen_by_two_watching_instances_is_one_update_event_and_one_history_line()
    {
        var seeded = await SeedAsync();
        var first = Open();
        var second = Open();
        await using var one = await FeedWatcher.StartAsync(first, Users42);
        await using var two = await FeedWatcher.StartAsync(second, Users42);

        SaveByRename(MemoryFile, text => text.Replace("Prefers Python over JS", "Prefers Rust over JS", StringComparison.Ordinal));

        var expected = (MemoryEventKind.Changed, MemoryChangeKind.Update, "lang", 2L);
        var seenByOne = Assert.Single(await one.NextAsync());
        var seenByTwo = Assert.Single(await two.NextAsync());
        Assert.Equal(expected, Shape(seenByOne));
        Assert.Equal(seenByOne, seenByTwo);
        Assert.Empty(await one.DrainAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Empty(await two.DrainAsync(TimeSpan.FromMilliseconds(300)));

        var history = await seeded.GetHistoryAsync(Users42, "lang");
        Assert.Equal([MemoryChangeKind.Add, MemoryChangeKind.Update], history.Select(change => change.Kind));
        Assert.Equal(("Prefers Python over JS", "Prefers Rust over JS", 2L, HandEdits.Reason),
            (history[1].OldContent, history[1].NewContent, history[1].Version, history[1].Reason));
        Assert.Equal(3, HistoryLines().Count);
        Assert.Equal(2, (await seeded.GetAsync(Users42, "lang"))!.Version); // the event's version is the one reads derive
    }

    [Fact]
    public async Task A_deleted_bullet_is_a_delete_event_and_an_added_one_an_add_event()
    {
        var store = await SeedAsync();
        await using var watcher = await FeedWatcher.StartAsync(store, Users42);

        SaveByRename(MemoryFile, text => string.Join('\n', text.Split('\n').Where(line => !line.Contains("puppy", StringComparison.Ordinal))));
        var deleted = Assert.Single(await watcher.NextAsync());
        SaveByRename(MemoryFile, text => text + "- Lives in Berlin\n");
        var added = Assert.Single(await watcher.NextAsync());

        Assert.Equal((MemoryEventKind.Changed, MemoryChangeKind.Delete, "pet", 1L), Shape(deleted));
        Assert.True(deleted.IsRemoval);
        Assert.Equal((MemoryChangeKind.Add, 1L), (added.Change, added.Version));
        Assert.StartsWith("md-", added.Key, StringComparison.Ordinal);
        Assert.Equal("Has a puppy named Rex", (await store.GetHistoryAsync(Users42, "pet"))[^1].OldContent);
        Assert.Equal("Lives in Berlin", Assert.Single(await store.GetHistoryAsync(Users42, added.Key!)).NewContent);
    }

    [Fact]
    public async Task An_edit_made_while_no_store_ran_is_recorded_once_before_the_next_write()
    {
        await SeedAsync();
        Edit(MemoryFile, text => text.Replace("named Rex", "named Max", StringComparison.Ordinal));

        // A restart: the first write compares every namespace with the history, so the edit comes before the put.
        var restarted = Open();
        await restarted.PutAsync(new MemoryWrite { Namespace = Users42, Key = "pet", Content = "Has a dog named Max", ExpectedVersion = 2 });
        var alsoRestarted = Open();
        _ = await alsoRestarted.GetHistoryAsync(Users42, "pet");

        var history = await restarted.GetHistoryAsync(Users42, "pet");
        Assert.Equal(
            [(MemoryChangeKind.Add, 1L, null), (MemoryChangeKind.Update, 2L, HandEdits.Reason), (MemoryChangeKind.Update, 3L, null)],
            history.Select(change => (change.Kind, change.Version, change.Reason)));
        Assert.Equal(("Has a puppy named Max", "Has a dog named Max"), (history[2].OldContent, history[2].NewContent));
    }

    [Fact]
    public async Task Every_line_has_the_next_id_and_an_erasure_keeps_the_latest_with_a_marker_line_without_the_subject()
    {
        var store = Open();
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "a", Content = "kept" });
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "b", Content = "anamarker one", SubjectId = "ana" });
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "b", Content = "anamarker two", SubjectId = "ana" });
        Assert.Equal([1L, 2L, 3L], HistoryLines().Select(line => line.GetProperty("Id").GetInt64()));
        Assert.Equal(3, await store.GetLatestChangeIdAsync());

        await store.EraseSubjectAsync("ana");

        var lines = HistoryLines();
        Assert.Equal([1L, 4L], lines.Select(line => line.GetProperty("Id").GetInt64()));
        Assert.Equal("""{"Id":4,"Kind":"Erased","At":"2026-01-01T09:30:00+00:00"}""", ReadFile(HistoryFile).Split('\n')[1]);
        Assert.Equal(4, await Open().GetLatestChangeIdAsync());
        Assert.Empty(await store.GetHistoryAsync(Users42, "b"));
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "c", Content = "next" });
        Assert.Equal(5, await store.GetLatestChangeIdAsync());
    }

    [Fact]
    public async Task A_log_an_older_build_wrote_without_ids_is_numbered_once_in_file_order()
    {
        var old = Open();
        await old.PutAsync(new MemoryWrite { Namespace = Users42, Key = "lang", Content = "Prefers Python" });
        await old.PutAsync(new MemoryWrite { Namespace = Users42, Key = "lang", Content = "Prefers Rust" });
        await old.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("team"), Key = "note", Content = "Ships on Fridays" });

        // The same history as the build before the change feed wrote it: no Id field.
        var legacy = string.Join('\n',
            """{"Ns":"users/42","Key":"lang","Version":1,"Kind":"Add","At":"2026-01-01T09:00:00+00:00","Old":null,"New":"Prefers Python","Sources":null,"Reason":null,"Subject":null}""",
            """{"Ns":"users/42","Key":"lang","Version":2,"Kind":"Update","At":"2026-01-01T09:10:00+00:00","Old":"Prefers Python","New":"Prefers Rust","Sources":null,"Reason":null,"Subject":null}""",
            """{"Ns":"team","Key":"note","Version":1,"Kind":"Add","At":"2026-01-01T09:20:00+00:00","Old":null,"New":"Ships on Fridays","Sources":null,"Reason":null,"Subject":null}""") + "\n";
        File.WriteAllText(Root[HistoryFile], legacy);
        var store = Open();

        Assert.Equal(3, await store.GetLatestChangeIdAsync());
        Assert.Equal([1L, 2L, 3L], HistoryLines().Select(line => line.GetProperty("Id").GetInt64()));
        await using (var replay = await FeedWatcher.StartAsync(store, Users42, after: 0))
        {
            Assert.Equal([(1L, MemoryChangeKind.Add, 1L), (2L, MemoryChangeKind.Update, 2L)],
                (await replay.NextAsync(2)).Select(e => (e.ChangeId, e.Change, e.Version)));
        }

        Assert.Equal(["Prefers Python", "Prefers Rust"], (await Open().GetHistoryAsync(Users42, "lang")).Select(change => change.NewContent));
        Assert.Equal(3, await Open().GetLatestChangeIdAsync()); // numbered once: a second instance finds the ids

        // An older build still running appends a line without an id: it takes the next id before the next write's line.
        File.AppendAllText(Root[HistoryFile],
            """{"Ns":"team","Key":"note","Version":2,"Kind":"Update","At":"2026-01-01T09:30:00+00:00","Old":"Ships on Fridays","New":"Ships on Fridays","Sources":null,"Reason":null,"Subject":null}""" + "\n");
        await store.PutAsync(new MemoryWrite { Namespace = MemoryNamespace.Of("team"), Key = "third", Content = "y" });
        Assert.Equal([1L, 2L, 3L, 4L, 5L], HistoryLines().Select(line => line.GetProperty("Id").GetInt64()));
        Assert.Equal("third", HistoryLines()[^1].GetProperty("Key").GetString());
    }

    [Fact]
    public async Task A_line_cut_short_by_a_crash_is_skipped_and_the_next_append_starts_a_new_line()
    {
        var store = Open();
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "a", Content = "one" });
        File.AppendAllText(Root[HistoryFile], """{"Id":2,"Ns":"users/42","Key":"b","Vers""");

        Assert.Equal(1, await Open().GetLatestChangeIdAsync());
        await store.PutAsync(new MemoryWrite { Namespace = Users42, Key = "b", Content = "two" });

        Assert.Equal(2, await Open().GetLatestChangeIdAsync());
        Assert.Equal(["one"], (await store.GetHistoryAsync(Users42, "a")).Select(change => change.NewContent));
        Assert.Equal(["two"], (await store.GetHistoryAsync(Users42, "b")).Select(change => change.NewContent));
    }

    [Fact]
    public async Task The_latest_id_is_read_from_the_end_of_a_log_longer_than_one_read()
    {
        var store = Open(embeddings: false);
        var text = new string('x', 3_000); // 600 lines of ~3 KB: the log is far longer than the first 16 KB read
        for (var batch = 0; batch < 6; batch++)
        {
            await store.PutManyAsync([.. Enumerable.Range(batch * 100, 100).Select(i => new MemoryWrite { Namespace = Users42, Key = $"k{i:D3}", Content = text })]);
        }

        Assert.True(new FileInfo(Root[HistoryFile]).Length > 1_000_000);
        Assert.Equal(600, await Open().GetLatestChangeIdAsync());
        await using var watcher = await FeedWatcher.StartAsync(store, Users42, after: 590);
        Assert.Equal(Enumerable.Range(591, 10).Select(i => (long)i), (await watcher.NextAsync(10)).Select(e => e.ChangeId));
    }
}
