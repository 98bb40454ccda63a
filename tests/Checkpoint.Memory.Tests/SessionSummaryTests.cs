using Checkpoint.Conformance.Memory;
using Checkpoint.Storage;

namespace Checkpoint.Memory.Tests;

/// <summary>
/// Session end: when a thread's run ends, what was said becomes episodes of the run's subject, consolidated into
/// long-term facts that a later session (another thread) can load; erasing the person removes all of it.
/// </summary>
public sealed class SessionSummaryTests
{
    private static readonly MemoryNamespace Facts = MemoryNamespace.Of("users", "ana", "facts");
    private readonly InMemoryMemoryStore _store = new(new MemoryStoreOptions { Embeddings = new ConceptEmbeddingGenerator() });
    private readonly InMemoryCheckpointSaver _saver = new();
    private readonly EpisodeFactsClient _model = new();
    private readonly List<SessionSummaryReport> _reports = [];

    private CompiledGraph<SessionState> Agent(int maxEpisodes = 50) => new StateGraph<SessionState>()
        .AddNode("reply", state => new Update<SessionState>().Set(s => s.Messages, [$"agent: noted ({state.Messages.Count})"]))
        .AddEdge(Graph.Start, "reply").AddEdge("reply", Graph.End)
        .Compile(_saver, new CompileOptions().WithSessionSummary(_store, new SessionSummaryOptions<SessionState>
        {
            Episodes = state => state.Messages,
            Consolidation = new ConsolidationOptions { ChatClient = _model, MaxEpisodes = maxEpisodes },
            Target = run => MemoryNamespace.Of("users", run.SubjectId!, "facts"),
            Summarized = (report, _) =>
            {
                _reports.Add(report);
                return Task.CompletedTask;
            },
        }));

    private async Task<IReadOnlyList<MemoryItem>> ListAsync(MemoryNamespace memoryNamespace) =>
        [.. (await _store.SearchAsync(new MemorySearch { NamespacePrefix = memoryNamespace, Limit = 100 })).Select(hit => hit.Item)];

    private static SessionState Said(params string[] lines) => new() { Messages = lines };

    [Fact]
    public async Task When_a_run_ends_its_messages_become_the_subjects_episodes_and_consolidated_facts_with_provenance()
    {
        await Agent().InvokeAsync(Said("user: I live in Lisbon", "user: what time is it?"), RunConfig.ForThread("t1") with { SubjectId = "ana" });

        var report = Assert.Single(_reports);
        var sessions = MemoryNamespace.Of("sessions", "ana");
        Assert.Equal((sessions, 3, 3), (report.Namespace, report.EpisodesWritten, Assert.Single(report.Consolidations).Episodes));
        var episodes = await ListAsync(sessions);
        Assert.Equal(["agent: noted (2)", "user: I live in Lisbon", "user: what time is it?"], episodes.Select(e => e.Content).Order(StringComparer.Ordinal));
        Assert.All(episodes, e => Assert.Equal((MemoryKind.Episodic, 0.3, "ana", (object)"t1", (object)true),
            (e.Kind, e.Importance, e.SubjectId, e.Metadata[SessionMemory.ThreadMetadataKey], e.Metadata[MemoryStore.ConsolidatedMetadataKey])));
        var fact = Assert.Single(await ListAsync(Facts));
        Assert.Equal(("The user live in Lisbon", MemoryKind.LongTerm, "ana"), (fact.Content, fact.Kind, fact.SubjectId));
        var source = episodes.Single(e => e.Content == "user: I live in Lisbon");
        Assert.Equal([new MemoryKey(sessions, source.Key)], Assert.Single(await _store.GetHistoryAsync(Facts, fact.Key)).Sources);
    }

    [Fact]
    public async Task A_later_session_on_the_thread_writes_and_consolidates_only_what_is_new()
    {
        var agent = Agent();
        var run = RunConfig.ForThread("t1") with { SubjectId = "ana" };
        await agent.InvokeAsync(Said("user: I live in Lisbon"), run);

        await agent.InvokeAsync(Said("user: I own a cat"), run);

        Assert.Equal([2, 2], _reports.Select(r => r.EpisodesWritten));
        Assert.Equal(
            [["user: I live in Lisbon", "agent: noted (1)"], ["user: I own a cat", "agent: noted (3)"]],
            _model.ExtractRequests.Select(episodes => episodes.Order(StringComparer.Ordinal).Reverse().ToList()));
        Assert.Equal(["The user live in Lisbon", "The user own a cat"], (await ListAsync(Facts)).Select(f => f.Content).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_long_session_is_consolidated_in_batches_until_no_episode_is_left()
    {
        await Agent(maxEpisodes: 2).InvokeAsync(Said("user: I ski", "user: I sail", "user: I cook", "user: I paint"), RunConfig.ForThread("t1") with { SubjectId = "ana" });

        var report = Assert.Single(_reports);
        Assert.Equal([2, 2, 1], report.Consolidations.Select(c => c.Episodes));
        Assert.Equal(4, (await ListAsync(Facts)).Count);
        Assert.All(await ListAsync(MemoryNamespace.Of("sessions", "ana")), e => Assert.Equal(true, e.Metadata[MemoryStore.ConsolidatedMetadataKey]));
    }

    [Fact]
    public async Task Erasing_the_person_removes_their_thread_episodes_and_facts_and_leaves_another_person()
    {
        var agent = Agent();
        await agent.InvokeAsync(Said("user: I live in Lisbon"), RunConfig.ForThread("ana-1") with { SubjectId = "ana" });
        await agent.InvokeAsync(Said("user: I live in Oslo"), RunConfig.ForThread("bob-1") with { SubjectId = "bob" });

        var receipt = await SubjectErasure.EraseAsync("ana", [_store], [_saver]);

        Assert.Equal((3, 1), (receipt.MemoryItems, receipt.Threads)); // two episodes and one fact; one thread
        Assert.Empty(await ListAsync(MemoryNamespace.Of("sessions", "ana")));
        Assert.Empty(await ListAsync(Facts));
        Assert.Null(await agent.GetStateAsync(RunConfig.ForThread("ana-1")));
        Assert.Equal(2, (await ListAsync(MemoryNamespace.Of("sessions", "bob"))).Count);
        Assert.Equal("The user live in Oslo", Assert.Single(await ListAsync(MemoryNamespace.Of("users", "bob", "facts"))).Content);
        Assert.NotNull(await agent.GetStateAsync(RunConfig.ForThread("bob-1")));
    }

    [Fact]
    public async Task Without_a_subject_episodes_go_to_the_threads_namespace()
    {
        var graph = new StateGraph<SessionState>()
            .AddNode("reply", _ => new Update<SessionState>())
            .AddEdge(Graph.Start, "reply").AddEdge("reply", Graph.End)
            .Compile(_saver, new CompileOptions().WithSessionSummary(_store, new SessionSummaryOptions<SessionState>
            {
                Episodes = state => state.Messages,
                Consolidation = new ConsolidationOptions { ChatClient = _model },
            }));

        await graph.InvokeAsync(Said("user: I ski", "  "), RunConfig.ForThread("anonymous"));

        var items = await ListAsync(MemoryNamespace.Of("sessions", "anonymous"));
        Assert.Equal(["The user ski", "user: I ski"], items.Select(i => i.Content).Order(StringComparer.Ordinal)); // the blank one is skipped
        Assert.All(items, item => Assert.Null(item.SubjectId));
    }

    [Fact]
    public void Options_without_episodes_or_a_model_are_refused_naming_the_parameter()
    {
        var missing = new SessionSummaryOptions<SessionState> { Episodes = null!, Consolidation = new ConsolidationOptions { ChatClient = _model } };
        Assert.Equal("summary", Assert.Throws<ArgumentNullException>(() => new CompileOptions().WithSessionSummary(_store, missing)).ParamName);
    }
}
