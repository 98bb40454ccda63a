namespace Checkpoint.Memory;

/// <summary>What a memory is (short-term memory is the thread's checkpointed state, not a store item).</summary>
public enum MemoryKind
{
    /// <summary>A learned fact or preference ("prefers Python over JS").</summary>
    LongTerm,

    /// <summary>Something that happened ("fixed bug X on March 15"); decays with time.</summary>
    Episodic,

    /// <summary>Domain knowledge and relationships between <see cref="MemoryItem.Entities"/>.</summary>
    Semantic,
}
