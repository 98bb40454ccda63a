namespace MemoryAgent;

/// <summary>One turn of the agent: who speaks, what they said, the prompt the model would get, and the reply.</summary>
public sealed record TurnState
{
    public string User { get; init; } = "";

    public string Message { get; init; } = "";

    public string Prompt { get; init; } = "";

    public string Reply { get; init; } = "";
}
