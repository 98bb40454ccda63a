using System.Globalization;
using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>Optimistic concurrency: concurrent read-modify-writes lose nothing, stale writes and deletes are refused.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    private static MemoryWrite Increment(MemoryItem? item) =>
        Write("shared", "counter", (item is null ? 1 : int.Parse(item.Content, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task Concurrent_updates_from_two_instances_lose_no_increment()
    {
        const int Writers = 8;
        const int Increments = 10;
        var other = await SharedStoreAsync(DefaultOptions) ?? Store;
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? Store : other;
            for (var i = 0; i < Increments; i++)
            {
                await store.UpdateAsync(Ns("shared"), "counter", Increment, maxAttempts: 1_000);
            }
        }));
        await Task.WhenAll(writers);

        var final = await Store.GetAsync(Ns("shared"), "counter");
        Assert.Equal((Writers * Increments).ToString(CultureInfo.InvariantCulture), final!.Content);
        Assert.Equal(Writers * Increments, final.Version);
        Assert.Equal(final.Content, (await other.GetAsync(Ns("shared"), "counter"))!.Content);
    }

    [Fact]
    public async Task Writers_racing_to_create_the_same_new_keys_lose_no_increment()
    {
        const int Keys = 20;
        const int Writers = 6;
        var other = await SharedStoreAsync(DefaultOptions) ?? Store;
        for (var key = 0; key < Keys; key++)
        {
            // All writers start together on a key nobody has written: the first writes race to create it.
            using var start = new Barrier(Writers);
            var name = $"fresh-{key}";
            await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                start.SignalAndWait(FeedWatcher.Patience);
                await (w % 2 == 0 ? Store : other).UpdateAsync(Ns("shared"), name, item =>
                    Write("shared", name, ((item is null ? 0 : int.Parse(item.Content, CultureInfo.InvariantCulture)) + 1).ToString(CultureInfo.InvariantCulture)),
                    maxAttempts: 1_000);
            })));

            var stored = (await Store.GetAsync(Ns("shared"), name))!;
            Assert.Equal((Writers.ToString(CultureInfo.InvariantCulture), (long)Writers), (stored.Content, stored.Version));
        }
    }

    [Fact]
    public async Task An_update_that_keeps_losing_gives_up_with_the_conflict_after_its_attempts()
    {
        await PutAsync(Write("shared", "k", "v0"));
        var calls = 0;

        var error = await Assert.ThrowsAsync<MemoryConflictException>(() => Store.UpdateAsync(Ns("shared"), "k", async (item, token) =>
        {
            calls++;
            await Store.PutAsync(Write("shared", "k", $"interloper {calls}"), token); // another writer always gets there first
            return Write("shared", "k", item!.Content + "!");
        }, maxAttempts: 3));

        Assert.Equal(3, calls);
        Assert.Equal(("k", 3L, 4L), (error.Key, error.ExpectedVersion, error.ActualVersion));
        Assert.Equal("interloper 3", (await Store.GetAsync(Ns("shared"), "k"))!.Content);
    }

    [Fact]
    public async Task An_update_with_nothing_to_change_writes_nothing_and_one_of_another_item_is_refused()
    {
        var stored = (await PutAsync(Write("shared", "k", "v1")))[0];

        var same = await Store.UpdateAsync(Ns("shared"), "k", _ => null);
        var created = await Store.UpdateAsync(Ns("shared"), "new", item => item is null ? Write("shared", "new", "first") : null);
        var wrong = await Assert.ThrowsAsync<ArgumentException>(() => Store.UpdateAsync(Ns("shared"), "k", _ => Write("shared", "other", "x")));

        Assert.Equal((stored.Version, "v1"), (same!.Version, same.Content));
        Assert.Equal((1L, "first"), (created!.Version, created.Content));
        Assert.Contains("key 'k' returned a write of 'shared' key 'other'", wrong.Message, StringComparison.Ordinal);
        Assert.Equal(stored.Version, (await Store.GetAsync(Ns("shared"), "k"))!.Version);
    }

    [Fact]
    public async Task A_delete_at_a_stale_version_is_refused_and_one_at_the_current_version_is_recorded()
    {
        var first = (await PutAsync(Write("shared", "k", "v1")))[0];
        var second = (await PutAsync(Write("shared", "k", "v2")))[0];

        var stale = await Assert.ThrowsAsync<MemoryConflictException>(() => Store.DeleteAsync(Ns("shared"), "k", first.Version));
        Assert.Equal((first.Version, second.Version), (stale.ExpectedVersion, stale.ActualVersion));
        Assert.NotNull(await Store.GetAsync(Ns("shared"), "k"));

        Assert.True(await Store.DeleteAsync(Ns("shared"), "k", second.Version));
        Assert.Null(await Store.GetAsync(Ns("shared"), "k"));
        Assert.False(await Store.DeleteAsync(Ns("shared"), "k", second.Version));
        var history = await Store.GetHistoryAsync(Ns("shared"), "k");
        Assert.Equal(MemoryChangeKind.Delete, history[^1].Kind);
        Assert.Equal("v2", history[^1].OldContent);
    }
}

/// <summary>Sweeps and concurrent agents: a consolidation never overwrites an edit made while its model was thinking.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    [Fact]
    public async Task A_consolidation_loses_to_an_edit_another_agent_made_while_the_model_decided()
    {
        var agent = await SharedStoreAsync(DefaultOptions) ?? Store;
        await Store.PutAsync(Write("users/ana", "city", "Ana lives in Berlin") with { SubjectId = "ana" });
        await Store.PutAsync(Write("users/ana", "pet", "Ana has a cat") with { SubjectId = "ana" });
        await EpisodeAsync("e1", "Ana moved to Paris");
        await EpisodeAsync("e2", "Ana gave her cat away");
        var model = new ScriptedConsolidationClient(
            """{"facts": [{"text": "Ana lives in Paris", "sources": ["E1"]}, {"text": "Ana has no cat", "sources": ["E2"]}]}""",
            (fact, shown) =>
            {
                // The other agent corrects the very item the model is about to change.
                var (key, content) = fact.Contains("Paris", StringComparison.Ordinal) ? ("city", "Ana lives in Rome") : ("pet", "Ana has two cats");
                agent.PutAsync(Write("users/ana", key, content) with { SubjectId = "ana" }).GetAwaiter().GetResult();
                return fact.Contains("Paris", StringComparison.Ordinal)
                    ? $$"""{"action": "UPDATE", "id": "{{ScriptedConsolidationClient.IdOf(shown, "Berlin")}}", "text": "Ana lives in Paris"}"""
                    : $$"""{"action": "DELETE", "id": "{{ScriptedConsolidationClient.IdOf(shown, "cat")}}", "text": "Ana has no cat"}""";
            });

        var report = await Store.ConsolidateAsync(Ns("users/ana"), new ConsolidationOptions { ChatClient = model });

        Assert.Equal((2, 0, 0), (report.Conflicts, report.Updated.Count, report.Deleted.Count));
        Assert.Equal("Ana lives in Rome", (await Store.GetAsync(Ns("users/ana"), "city"))!.Content);
        Assert.Equal("Ana has two cats", (await Store.GetAsync(Ns("users/ana"), "pet"))!.Content);
    }
}
