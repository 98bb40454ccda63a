using Checkpoint.Memory;
using Xunit;

namespace Checkpoint.Conformance.Memory;

/// <summary>Consolidation of episodes into facts with a deterministic model.</summary>
public abstract partial class MemoryStoreConformanceTests
{
    private async Task<MemoryItem> EpisodeAsync(string key, string content) =>
        await Store.PutAsync(Write("users/ana", key, content) with { Kind = MemoryKind.Episodic, SubjectId = "ana" });

    [Fact]
    public async Task Consolidation_adds_updates_and_keeps_facts_with_provenance_and_rejects_invented_ids()
    {
        var berlin = await Store.PutAsync(Write("users/ana", "city", "Ana lives in Berlin") with { SubjectId = "ana" });
        await Store.PutAsync(Write("users/ana", "drink", "Ana likes tea") with { SubjectId = "ana" });
        var moved = await EpisodeAsync("e1", "Ana said she moved to Paris last week");
        var dog = await EpisodeAsync("e2", "Ana adopted a dog");
        await EpisodeAsync("e3", "Ana drank tea again");
        var model = new ScriptedConsolidationClient(
            """
            ```json
            {"facts": [{"text": "Ana lives in Paris", "sources": ["E1"]}, {"text": "Ana has a dog", "sources": ["E2"]},
                       {"text": "Ana likes tea", "sources": ["E3"]}, {"text": "Ana speaks Klingon", "sources": ["E9"]}]}
            ```
            """,
            (fact, shown) => fact switch
            {
                "Ana lives in Paris" => $$"""{"action": "UPDATE", "id": "{{ScriptedConsolidationClient.IdOf(shown, "Berlin")}}", "text": "Ana lives in Paris"}""",
                "Ana has a dog" => """{"action": "ADD", "id": null, "text": "Ana has a dog"}""",
                "Ana likes tea" => $$"""{"action": "NONE", "id": "{{ScriptedConsolidationClient.IdOf(shown, "tea")}}"}""",
                _ => """{"action": "UPDATE", "id": "M42", "text": "Ana speaks Klingon"}""",
            });

        var report = await Store.ConsolidateAsync(Ns("users/ana"), new ConsolidationOptions { ChatClient = model });

        Assert.Equal((3, 1, 1, 0, 1, 1), (report.Episodes, report.Added.Count, report.Updated.Count, report.Deleted.Count, report.Unchanged, report.Rejected.Count));
        Assert.Equal("city", report.Updated[0].Key);
        var city = (await Store.GetAsync(Ns("users/ana"), "city"))!;
        Assert.Equal(("Ana lives in Paris", berlin.Version + 1), (city.Content, city.Version));
        var cityRow = (await Store.GetHistoryAsync(Ns("users/ana"), "city"))[^1];
        Assert.Equal(("Ana lives in Berlin", "Ana lives in Paris"), (cityRow.OldContent, cityRow.NewContent));
        Assert.Equal([new MemoryKey(moved.Namespace, moved.Key)], cityRow.Sources);
        var added = report.Added[0];
        Assert.Equal(("Ana has a dog", MemoryKind.LongTerm, "ana"), (added.Content, added.Kind, added.SubjectId));
        Assert.Equal([new MemoryKey(dog.Namespace, dog.Key)], (await Store.GetHistoryAsync(added.Namespace, added.Key))[0].Sources);
        Assert.All(
            (await Store.SearchAsync(new MemorySearch { NamespacePrefix = Ns("users/ana"), Kinds = [MemoryKind.Episodic] })).Select(hit => hit.Item),
            episode => Assert.Equal(true, episode.Metadata[MemoryStore.ConsolidatedMetadataKey]));

        var calls = model.Calls;
        Assert.Equal(0, (await Store.ConsolidateAsync(Ns("users/ana"), new ConsolidationOptions { ChatClient = model })).Episodes);
        Assert.Equal(calls, model.Calls);
    }

    [Fact]
    public async Task A_contradicted_fact_is_deleted_and_the_new_one_added_and_an_unreadable_answer_changes_nothing()
    {
        await Store.PutAsync(Write("users/ana", "pet", "Ana has a cat named Tom"));
        await EpisodeAsync("e1", "Ana gave Tom away; she has no cat any more");
        var model = new ScriptedConsolidationClient(
            """{"facts": [{"text": "Ana has no cat", "sources": ["E1"]}]}""",
            (fact, shown) => $$"""{"action": "DELETE", "id": "{{ScriptedConsolidationClient.IdOf(shown, "cat named Tom")}}", "text": "{{fact}}"}""");

        var report = await Store.ConsolidateAsync(Ns("users/ana"), new ConsolidationOptions { ChatClient = model });

        Assert.Equal(["pet"], report.Deleted.Select(item => item.Key));
        Assert.Equal(["Ana has no cat"], report.Added.Select(item => item.Content));
        Assert.Null(await Store.GetAsync(Ns("users/ana"), "pet"));
        Assert.Contains("contradicted", (await Store.GetHistoryAsync(Ns("users/ana"), "pet"))[^1].Reason);

        await EpisodeAsync("e2", "Ana likes jazz");
        var confused = new ScriptedConsolidationClient("I am not sure what you mean.", (_, _) => "");
        var nothing = await Store.ConsolidateAsync(Ns("users/ana"), new ConsolidationOptions { ChatClient = confused });
        Assert.Equal((1, 0, 1), (nothing.Episodes, nothing.Added.Count, nothing.Rejected.Count));
    }
}
