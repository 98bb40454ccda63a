using Microsoft.Extensions.AI;

namespace Checkpoint.Compaction;

/// <summary>What a compactor must keep together or keep at all in a list of <see cref="ChatMessage"/>s.</summary>
internal static class ChatMessageRules
{
    /// <summary>The key of <see cref="ChatMessage.AdditionalProperties"/> that marks a summary written by <see cref="ChatSummarizer"/>.</summary>
    public const string SummaryProperty = "checkpoint.summary";

    /// <summary>System messages are never dropped or summarized.</summary>
    public static bool IsPinned(ChatMessage message) => message.Role == ChatRole.System;

    /// <summary>A message holding a function result belongs with the call before it.</summary>
    public static bool BelongsWithPrevious(ChatMessage message) => message.Contents.Any(c => c is FunctionResultContent);

    /// <summary>The rules for <typeparamref name="TItem"/> when it is a chat message; null otherwise.</summary>
    public static Func<TItem, bool>? Pinned<TItem>() =>
        typeof(ChatMessage).IsAssignableFrom(typeof(TItem)) ? item => item is ChatMessage m && IsPinned(m) : null;

    /// <summary>The pairing rule for <typeparamref name="TItem"/> when it is a chat message; null otherwise.</summary>
    public static Func<TItem, bool>? WithPrevious<TItem>() =>
        typeof(ChatMessage).IsAssignableFrom(typeof(TItem)) ? item => item is ChatMessage m && BelongsWithPrevious(m) : null;
}
