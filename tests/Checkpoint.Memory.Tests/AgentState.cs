namespace Checkpoint.Memory.Tests;

public sealed record AgentState
{
    public string User { get; init; } = "";

    public string Message { get; init; } = "";

    public string Prompt { get; init; } = "";
}
