using Microsoft.Extensions.AI;

namespace Checkpoint.Compaction;

/// <summary>
/// The built-in compactors for <c>StateGraph.WithCompactor</c>: keep the last items, summarize the
/// oldest ones into one item (with your function or an <see cref="IChatClient"/>), or a function of your own.
/// For <see cref="ChatMessage"/> lists, system messages are pinned (never dropped, never summarized)
/// and a message holding a <see cref="FunctionResultContent"/> stays with the call before it.
/// </summary>
public static class ListCompactors
{
    /// <summary>
    /// The system prompt of <see cref="SummarizeChat"/>. The messages to summarize follow it as one user
    /// message, a transcript with one line per message: <c>[role] text</c>, tool calls as
    /// <c>(call id: name(arg=value, ...))</c> and their results as <c>(result of id: value)</c>.
    /// </summary>
    public const string DefaultSummaryPrompt =
        "You compact the history of a conversation between a user and an AI assistant. " +
        "Write a summary that will replace the messages below in the assistant's context. " +
        "Keep every fact, decision, name, number and identifier, every open question and unfinished task, " +
        "and the results of tool calls that the rest of the conversation may rely on; " +
        "drop greetings, repetition and small talk. " +
        "If the messages begin with an earlier summary, merge it into the new one, so that one summary covers everything. " +
        "Write in the language of the conversation, as short bullet points or plain prose, " +
        "with no introduction and no comment about the summary itself.";

    /// <summary>
    /// Keeps the last <paramref name="keepLast"/> items and drops the others, except the
    /// <paramref name="pinned"/> ones (kept, in order, before the tail). The tail never starts with an
    /// item that <paramref name="belongsWithPrevious"/> says goes with the one before it: the cut moves
    /// earlier instead. For <see cref="ChatMessage"/> items both rules default to the chat rules.
    /// </summary>
    public static IListCompactor<TItem> KeepLast<TItem>(int keepLast, Func<TItem, bool>? pinned = null, Func<TItem, bool>? belongsWithPrevious = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        return new KeepLastCompactor<TItem>(keepLast, pinned ?? ChatMessageRules.Pinned<TItem>(), belongsWithPrevious ?? ChatMessageRules.WithPrevious<TItem>());
    }

    /// <summary>
    /// Replaces the items before the last <paramref name="keepLast"/> by one item made by
    /// <paramref name="summarize"/>, keeping <paramref name="pinned"/> items (before the summary) and
    /// never splitting an item from the one it <paramref name="belongsWithPrevious"/>. The summary of an
    /// earlier compaction is the first unpinned item, so it is summarized again with the rest: the head
    /// stays the pinned items plus one summary. For <see cref="ChatMessage"/> items both rules default
    /// to the chat rules.
    /// </summary>
    public static IListCompactor<TItem> Summarize<TItem>(
        int keepLast,
        Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<TItem>> summarize,
        Func<TItem, bool>? pinned = null,
        Func<TItem, bool>? belongsWithPrevious = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        ArgumentNullException.ThrowIfNull(summarize);
        return new SummarizingCompactor<TItem>(
            keepLast, summarize, pinned ?? ChatMessageRules.Pinned<TItem>(), belongsWithPrevious ?? ChatMessageRules.WithPrevious<TItem>());
    }

    /// <summary>
    /// <see cref="Summarize{TItem}"/> for chat histories: one <paramref name="client"/> call per compaction
    /// with <paramref name="prompt"/> (default <see cref="DefaultSummaryPrompt"/>) as the system message and
    /// the span as a transcript. The summary is a user message starting "Summary of the earlier
    /// conversation:", marked with the additional property <c>checkpoint.summary</c>. System messages are
    /// pinned; a message with a <see cref="FunctionResultContent"/> stays with the call before it.
    /// </summary>
    public static IListCompactor<ChatMessage> SummarizeChat(IChatClient client, int keepLast, string? prompt = null, ChatOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        var summarizer = new ChatSummarizer(client, prompt ?? DefaultSummaryPrompt, options);
        return new SummarizingCompactor<ChatMessage>(keepLast, summarizer.SummarizeAsync, ChatMessageRules.IsPinned, ChatMessageRules.BelongsWithPrevious);
    }

    /// <summary>A compactor that is the function <paramref name="compact"/> (return null for "nothing to compact").</summary>
    public static IListCompactor<TItem> FromDelegate<TItem>(Func<IReadOnlyList<TItem>, CancellationToken, ValueTask<ListCompaction<TItem>?>> compact)
    {
        ArgumentNullException.ThrowIfNull(compact);
        return new DelegateCompactor<TItem>(compact);
    }
}
