namespace Checkpoint;

/// <summary>
/// On an <see cref="AppendAttribute"/> list: when the list reaches <see cref="AtItems"/> items, keep only
/// the last <see cref="Count"/> (chat messages: system messages stay, a tool result stays with its call).
/// The attribute form of <c>WithCompactor(s => s.List, ListCompactors.KeepLast&lt;T&gt;(count), CompactionTrigger.Items(atItems))</c>;
/// see <see cref="Compaction.ListCompactors"/> for summarizing compactors.
/// </summary>
/// <param name="count">The items kept, the newest ones.</param>
/// <param name="atItems">The item count at which the list is compacted (more than <paramref name="count"/>).</param>
[AttributeUsage(AttributeTargets.Property)]
public sealed class KeepLastAttribute(int count, int atItems) : Attribute
{
    /// <summary>The items kept, the newest ones.</summary>
    public int Count { get; } = count;

    /// <summary>The item count at which the list is compacted.</summary>
    public int AtItems { get; } = atItems;
}
