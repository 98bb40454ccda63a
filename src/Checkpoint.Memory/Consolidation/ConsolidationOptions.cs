using Microsoft.Extensions.AI;

namespace Checkpoint.Memory;

/// <summary>How <see cref="MemoryStore.ConsolidateAsync"/> turns episodes into long-term facts.</summary>
public sealed record ConsolidationOptions
{
    /// <summary>The model that proposes facts and decides each one against the memories it resembles.</summary>
    public required IChatClient ChatClient { get; init; }

    /// <summary>Where the facts are kept; null: the namespace being consolidated.</summary>
    public MemoryNamespace? Target { get; init; }

    /// <summary>How many existing facts each proposed fact is decided against (its nearest, default 5).</summary>
    public int Neighbours { get; init; } = 5;

    /// <summary>The prompt that asks for facts (default <see cref="ConsolidationPrompts.Extract"/>).</summary>
    public string ExtractPrompt { get; init; } = ConsolidationPrompts.Extract;

    /// <summary>The prompt that decides one fact (default <see cref="ConsolidationPrompts.Decide"/>).</summary>
    public string DecidePrompt { get; init; } = ConsolidationPrompts.Decide;

    /// <summary>The most episodes sent in one consolidation (the oldest first; default 50).</summary>
    public int MaxEpisodes { get; init; } = 50;
}
