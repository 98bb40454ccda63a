namespace Checkpoint.Memory;

/// <summary>Which signals find candidates for a search with query text.</summary>
public enum SearchMode
{
    /// <summary>Vector similarity and keyword rank together (keyword only when the store has no embedding generator).</summary>
    Hybrid,

    /// <summary>Vector similarity only (needs <see cref="MemoryStoreOptions.Embeddings"/>).</summary>
    Vector,

    /// <summary>Keyword rank only: only items sharing a word with the query are found.</summary>
    Keyword,
}
