namespace Checkpoint.Memory;

/// <summary>
/// The prompts of <see cref="MemoryStore.ConsolidateAsync"/>. The model only ever sees short stand-in ids
/// (E1, E2 … for episodes; M1, M2 … for existing memories), never real keys: an id it invents matches nothing
/// and is rejected, so it cannot touch an item it was not shown.
/// </summary>
public static class ConsolidationPrompts
{
    /// <summary>Asks for durable facts in the episodes, as JSON.</summary>
    public const string Extract = """
        You turn an agent's episodic notes into long-term facts about the user and their world.
        Read the episodes below (each starts with its id, such as E1). Write the durable facts they state or
        clearly imply: preferences, relationships, plans, decisions, stable attributes. Skip small talk and
        anything true only for the moment. One fact per item, a short self-contained sentence.
        Answer with JSON only: {"facts": [{"text": "...", "sources": ["E1", "E3"]}]}; {"facts": []} when there are none.
        """;

    /// <summary>Asks for one decision about one proposed fact against its nearest memories, as JSON.</summary>
    public const string Decide = """
        You keep an agent's long-term memory consistent. A new fact was learned; below are the existing memories
        closest to it (each starts with its id, such as M1). Decide one action:
        ADD (nothing existing says this), UPDATE (an existing memory says the same thing less well or out of date:
        give the merged text), DELETE (an existing memory is contradicted by the new fact and should go; the new
        fact is added as well), NONE (an existing memory already says this).
        Answer with JSON only: {"action": "ADD|UPDATE|DELETE|NONE", "id": "M2 or null", "text": "the fact as it should be stored"}.
        """;
}
