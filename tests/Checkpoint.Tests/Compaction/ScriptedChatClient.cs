using Checkpoint.Conformance;
using Microsoft.Extensions.AI;

namespace Checkpoint.Tests.Compaction;

/// <summary>A deterministic chat client: answers "summary {n} of {lines} messages" and records every request.</summary>
public sealed class ScriptedChatClient : AnsweringChatClient
{
    public List<List<ChatMessage>> Requests { get; } = [];

    protected override string Answer(IReadOnlyList<ChatMessage> request)
    {
        Requests.Add([.. request]);
        var lines = request[^1].Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        return $"summary {Requests.Count} of {lines} messages";
    }
}
