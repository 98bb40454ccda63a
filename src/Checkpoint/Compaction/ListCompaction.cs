namespace Checkpoint.Compaction;

/// <summary>
/// What a compactor made of a list: the new value is <see cref="Head"/> followed by the old list from
/// index <see cref="KeepFrom"/> on. Only the head is stored anew; the kept items are referenced where
/// they already are, so a compaction costs the head's bytes whatever the length of the kept tail.
/// </summary>
/// <typeparam name="TItem">The list's item type.</typeparam>
/// <param name="Head">New items put before the kept ones (a summary, the system messages that must stay).</param>
/// <param name="KeepFrom">Index of the first old item kept (0 to the list's count).</param>
public sealed record ListCompaction<TItem>(IReadOnlyList<TItem> Head, int KeepFrom);
