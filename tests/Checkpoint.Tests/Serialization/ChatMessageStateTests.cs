using System.Text.Json;
using Checkpoint.Compaction;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using Checkpoint.Tests.Compaction;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.AI;

namespace Checkpoint.Tests.Serialization;

/// <summary>A conversation of Microsoft.Extensions.AI <see cref="ChatMessage"/>s is a state like any other: stored, reloaded, compacted.</summary>
public sealed class ChatMessageStateTests
{
    public sealed class AgentState
    {
        [Append]
        public IReadOnlyList<ChatMessage> Messages { get; set; } = [];
    }

    private static string Json(object? value) => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions);

    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "what is the weather in Oslo?") { AuthorName = "ana", MessageId = "m1" },
        new(ChatRole.Assistant, [new TextReasoningContent("needs the tool"), new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Oslo", ["days"] = 2 })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", new { temperature = 12, unit = "C" })]),
        new(ChatRole.Assistant, [new TextContent("12 degrees"), new DataContent(new byte[] { 1, 2, 3 }, "image/png"), new UriContent(new Uri("https://example.com/oslo.png"), "image/png")])
        {
            AdditionalProperties = new AdditionalPropertiesDictionary { ["model"] = "m-1", ["cached"] = true },
        },
    ];

    [Fact]
    public async Task Every_content_kind_survives_a_checkpoint_and_a_reload_as_its_json()
    {
        var saver = new InMemoryCheckpointSaver();
        var graph = new StateGraph<AgentState>()
            .AddNode("agent", _ => new Update<AgentState>().Set(s => s.Messages, Conversation().Skip(2).ToList()))
            .AddEdge(Graph.Start, "agent").AddEdge("agent", Graph.End)
            .Compile(saver);
        var run = RunConfig.ForThread("chat");

        var result = await graph.InvokeAsync(new AgentState { Messages = Conversation().Take(2).ToList() }, run);
        saver.ClearChunkCache();
        var reloaded = (await graph.GetStateAsync(run))!.Values;

        var expected = Json(Conversation());
        Assert.Equal(expected, Json(result.Messages));
        Assert.Equal(expected, Json(reloaded.Messages));
        var call = Assert.IsType<FunctionCallContent>(reloaded.Messages[2].Contents[1]);
        Assert.Equal(("c1", "weather", "Oslo"), (call.CallId, call.Name, ((JsonElement)call.Arguments!["city"]!).GetString()));
        Assert.IsType<DataContent>(reloaded.Messages[4].Contents[1]);
        Assert.Equal(ChatRole.Tool, reloaded.Messages[3].Role);
    }

    [Fact]
    public async Task A_provider_object_in_RawRepresentation_is_not_stored()
    {
        var saver = new InMemoryCheckpointSaver();
        var graph = new StateGraph<AgentState>()
            .AddNode("agent", _ => new Update<AgentState>().Set(s => s.Messages, [new ChatMessage(ChatRole.Assistant, "hi") { RawRepresentation = new Uri("https://provider") }]))
            .AddEdge(Graph.Start, "agent").AddEdge("agent", Graph.End)
            .Compile(saver);

        var result = await graph.InvokeAsync(new AgentState(), RunConfig.ForThread("raw"));

        var message = Assert.Single(result.Messages);
        Assert.Equal("hi", message.Text);
        Assert.Null(message.RawRepresentation);
    }

    [Fact]
    public async Task A_long_conversation_is_summarized_with_tool_pairs_kept_and_the_summary_reloads_and_is_summarized_again()
    {
        var client = new ScriptedChatClient();
        var saver = new InMemoryCheckpointSaver();
        var turn = 0;
        var graph = new StateGraph<AgentState>()
            .AddNode("agent", _ =>
            {
                turn++;
                List<ChatMessage> said = turn % 2 == 0
                    ? [new(ChatRole.Assistant, [new FunctionCallContent($"c{turn}", "lookup")]), new(ChatRole.Tool, [new FunctionResultContent($"c{turn}", "found")])]
                    : [new(ChatRole.Assistant, $"answer {turn}")];
                return new Update<AgentState>().Set(s => s.Messages, said);
            })
            .AddEdge(Graph.Start, "agent").AddEdge("agent", Graph.End)
            .WithCompactor(s => s.Messages, ListCompactors.SummarizeChat(client, keepLast: 3), CompactionTrigger.Items(8))
            .Compile(saver);
        var run = RunConfig.ForThread("long");

        await graph.InvokeAsync(new AgentState { Messages = [new(ChatRole.System, "be brief"), new(ChatRole.User, "start")] }, run);
        for (var i = 0; i < 7; i++)
        {
            await graph.InvokeAsync(new AgentState { Messages = [new(ChatRole.User, $"question {i}")] }, run);
        }

        saver.ClearChunkCache();
        var messages = (await graph.GetStateAsync(run))!.Values.Messages;
        Assert.True(client.Requests.Count >= 2);
        Assert.Equal(ChatRole.System, messages[0].Role);
        Assert.StartsWith("Summary of the earlier conversation:", messages[1].Text, StringComparison.Ordinal);
        Assert.Contains($"summary {client.Requests.Count} of", messages[1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(messages.Skip(2), m => m.Text.StartsWith("Summary of", StringComparison.Ordinal));
        Assert.DoesNotContain(messages[2].Contents, c => c is FunctionResultContent); // never a result without its call
        // The second summary's transcript started with the first summary, read back from storage.
        Assert.StartsWith("[user] Summary of the earlier conversation:", client.Requests[^1][1].Text, StringComparison.Ordinal);
    }

    [Property(MaxTest = 100)]
    public Property Any_generated_message_round_trips_through_the_serializer_as_the_same_json() =>
        Prop.ForAll(Messages().ToArbitrary(), message =>
        {
            var serializer = CheckpointSerializer.Default;
            var back = serializer.FromPayload<ChatMessage>(serializer.ToPayload(message), default);
            return Json(back) == Json(message);
        });

    private static Gen<ChatMessage> Messages()
    {
        var text = Gen.Elements("", "hello", "naïve ☃", "line\nbreak", "{\"json\": true}");
        var roles = Gen.Elements(ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool, new ChatRole("critic"));
        var argument = Gen.OneOf(
            ArbMap.Default.GeneratorFor<int>().Select(i => (object?)i),
            text.Select(s => (object?)s),
            ArbMap.Default.GeneratorFor<bool>().Select(b => (object?)b),
            Gen.Constant<object?>(null));
        var content = Gen.OneOf(
            text.Select(t => (AIContent)new TextContent(t)),
            text.Select(t => (AIContent)new TextReasoningContent(t)),
            Gen.Zip(text, argument, (key, value) => (AIContent)new FunctionCallContent("id", "f", new Dictionary<string, object?> { ["a"] = value, [key + "_"] = 1 })),
            argument.Select(result => (AIContent)new FunctionResultContent("id", result)),
            ArbMap.Default.GeneratorFor<byte[]>().Select(bytes => (AIContent)new DataContent(bytes ?? [], "application/octet-stream")));
        return Gen.Zip(Gen.Zip(roles, text), content.ListOf(), (head, contents) => new ChatMessage(head.Item1, [.. contents]) { AuthorName = head.Item2.Length == 0 ? null : head.Item2 });
    }
}
