using Checkpoint;

namespace QuickStart;

/// <summary>One chat message.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>The agent's state: each property is a channel stored at every step.</summary>
public sealed class ChatState
{
    /// <summary>The conversation; [Append] makes updates add messages instead of replacing the list (O(1) per message).</summary>
    [Append]
    public IReadOnlyList<ChatMessage> Messages { get; set; } = [];

    /// <summary>The expression the agent asked the calculator tool to evaluate.</summary>
    public string? PendingExpression { get; set; }

    /// <summary>True once the agent has answered.</summary>
    public bool Done { get; set; }
}
