namespace Checkpoint;

/// <summary>How a channel combines its current value with an update.</summary>
public enum ReducerKind
{
    /// <summary>The update replaces the value; two writers in one step are an error.</summary>
    LastValue,

    /// <summary>The update's items are appended to the list.</summary>
    Append,

    /// <summary>The update's entries are merged into the dictionary by key.</summary>
    MergeByKey,

    /// <summary>A user function combines value and update.</summary>
    Custom,
}
