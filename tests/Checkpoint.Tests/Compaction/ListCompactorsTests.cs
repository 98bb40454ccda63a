using Checkpoint.Compaction;
using Microsoft.Extensions.AI;

namespace Checkpoint.Tests.Compaction;

public sealed class ListCompactorsTests
{
    private static readonly ChatMessage System = new(ChatRole.System, "be brief");

    [Fact]
    public async Task Keep_last_keeps_the_tail_and_the_pinned_items_before_it()
    {
        var compactor = ListCompactors.KeepLast<string>(2, pinned: s => s.StartsWith("sys", StringComparison.Ordinal));
        var result = await compactor.CompactAsync(["sys", "a", "b", "c", "d"], default);
        Assert.Equal(["sys"], result!.Head);
        Assert.Equal(3, result.KeepFrom);
        Assert.Null(await compactor.CompactAsync(["a", "b"], default));
    }

    [Fact]
    public async Task Keep_last_on_chat_messages_keeps_the_system_message_and_never_starts_with_a_tool_result()
    {
        var messages = Chat();
        var result = await ListCompactors.KeepLast<ChatMessage>(2).CompactAsync(messages, default);

        // The last two are the tool result and the answer; the result's call comes along.
        Assert.Equal([System], result!.Head);
        Assert.Equal(3, result.KeepFrom);
        Assert.Contains(messages[result.KeepFrom].Contents, c => c is FunctionCallContent);
    }

    [Fact]
    public async Task Summarize_replaces_the_span_by_one_item_after_the_pinned_ones()
    {
        var compactor = ListCompactors.Summarize<string>(
            2, (span, _) => ValueTask.FromResult("S(" + string.Join(",", span) + ")"), pinned: s => s == "sys", belongsWithPrevious: s => s.StartsWith("result", StringComparison.Ordinal));
        var result = await compactor.CompactAsync(["sys", "a", "call", "result", "b"], default);

        // Keeping the last 2 would start at "result": the cut moves back to its call.
        Assert.Equal(["sys", "S(a)"], result!.Head);
        Assert.Equal(2, result.KeepFrom);

        // The next compaction summarizes the earlier summary with the rest: one summary in the head.
        var again = await compactor.CompactAsync(["sys", "S(a)", "call", "result", "b", "c", "d"], default);
        Assert.Equal(["sys", "S(S(a),call,result,b)"], again!.Head);
        Assert.Equal(5, again.KeepFrom);
    }

    [Fact]
    public async Task Summarize_does_nothing_when_only_pinned_items_precede_the_tail()
    {
        var compactor = ListCompactors.Summarize<string>(1, (_, _) => throw new InvalidOperationException("not called"), pinned: s => s == "sys");
        Assert.Null(await compactor.CompactAsync(["sys", "a"], default));
    }

    [Fact]
    public async Task The_chat_summarizer_calls_the_client_with_the_prompt_and_a_transcript_keeping_system_messages_and_tool_pairs()
    {
        var client = new ScriptedChatClient();
        var compactor = ListCompactors.SummarizeChat(client, keepLast: 2);
        var messages = Chat();
        var result = await compactor.CompactAsync(messages, default);

        Assert.Equal(3, result!.KeepFrom); // the call at 3 stays with its result at 4
        Assert.Equal(2, result.Head.Count);
        Assert.Same(System, result.Head[0]);
        var summary = result.Head[1];
        Assert.Equal(ChatRole.User, summary.Role);
        Assert.StartsWith("Summary of the earlier conversation:", summary.Text, StringComparison.Ordinal);
        Assert.Contains("summary 1 of 2 messages", summary.Text, StringComparison.Ordinal);
        Assert.True(summary.AdditionalProperties!.ContainsKey("checkpoint.summary"));

        var request = Assert.Single(client.Requests);
        Assert.Equal(ChatRole.System, request[0].Role);
        Assert.Equal(ListCompactors.DefaultSummaryPrompt, request[0].Text);
        Assert.Equal("[user] what is the weather in Oslo?\n[assistant] let me look\n", request[1].Text);

        // A second compaction: the first summary is in the span and is summarized again.
        List<ChatMessage> longer = [.. result.Head, .. messages.Skip(result.KeepFrom), new(ChatRole.User, "and tomorrow?"), new(ChatRole.Assistant, "rain")];
        var second = await compactor.CompactAsync(longer, default);
        Assert.Equal(2, second!.Head.Count);
        Assert.Same(System, second.Head[0]);
        Assert.Contains("summary 2 of", second.Head[1].Text, StringComparison.Ordinal);
        var transcript = client.Requests[1][1].Text;
        Assert.StartsWith("[user] Summary of the earlier conversation:", transcript, StringComparison.Ordinal);
        Assert.Contains("(call c1: weather(city=Oslo))", transcript, StringComparison.Ordinal);
        Assert.Contains("(result of c1: 12C)", transcript, StringComparison.Ordinal);
        Assert.Equal(longer.Count - 2, second.KeepFrom);
    }

    [Fact]
    public async Task A_delegate_compactor_is_the_function()
    {
        var compactor = ListCompactors.FromDelegate<int>((items, _) => ValueTask.FromResult<ListCompaction<int>?>(new([items.Sum()], items.Count - 1)));
        var result = await compactor.CompactAsync([1, 2, 3], default);
        Assert.Equal([6], result!.Head);
        Assert.Equal(2, result.KeepFrom);
    }

    /// <summary>system, user, assistant, assistant(call), tool(result), assistant.</summary>
    private static List<ChatMessage> Chat() =>
    [
        System,
        new(ChatRole.User, "what is the weather in Oslo?"),
        new(ChatRole.Assistant, "let me look"),
        new(ChatRole.Assistant, [new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Oslo" })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", "12C")]),
        new(ChatRole.Assistant, "12 degrees"),
    ];
}
