namespace Checkpoint.Compaction;

/// <summary>What a <see cref="CompactionTrigger"/> measures.</summary>
public enum CompactionTriggerKind
{
    /// <summary>The number of items in the list.</summary>
    Items,

    /// <summary>The total length of the items' text, in characters.</summary>
    Characters,

    /// <summary>An estimate of the items' tokens: the total characters divided by <see cref="CompactionTrigger.CharactersPerToken"/>, rounded up.</summary>
    Tokens,
}
