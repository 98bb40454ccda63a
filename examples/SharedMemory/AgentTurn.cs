namespace SharedMemory;

/// <summary>One turn of an agent: the user's message, the key a fact is kept under, and the prompt the model would get.</summary>
public sealed record AgentTurn
{
    public string Message { get; init; } = "";

    public string FactKey { get; init; } = "fact";

    public string Prompt { get; init; } = "";
}
