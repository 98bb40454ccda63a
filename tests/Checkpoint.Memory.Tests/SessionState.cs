namespace Checkpoint.Memory.Tests;

/// <summary>A conversation: what the user said and what the agent answered, one line each.</summary>
public sealed class SessionState
{
    [Append]
    public IReadOnlyList<string> Messages { get; set; } = [];
}
