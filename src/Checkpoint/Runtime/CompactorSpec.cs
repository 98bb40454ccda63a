using Checkpoint.Compaction;

namespace Checkpoint.Runtime;

/// <summary>A compactor declared on a list channel, with its item type erased for the run loop.</summary>
internal sealed class CompactorSpec
{
    private readonly Func<object?, bool> _fires;
    private readonly Func<object?, CancellationToken, ValueTask<(Array Head, int KeepFrom)?>> _compact;

    private CompactorSpec(
        string channel,
        Type itemType,
        CompactionTrigger trigger,
        Func<object?, bool> fires,
        Func<object?, CancellationToken, ValueTask<(Array Head, int KeepFrom)?>> compact)
    {
        Channel = channel;
        ItemType = itemType;
        Trigger = trigger;
        _fires = fires;
        _compact = compact;
    }

    /// <summary>The state property the compactor is declared on.</summary>
    public string Channel { get; }

    /// <summary>The item type the compactor takes.</summary>
    public Type ItemType { get; }

    public CompactionTrigger Trigger { get; }

    public static CompactorSpec For<TItem>(string channel, IListCompactor<TItem> compactor, CompactionTrigger trigger) =>
        new(channel, typeof(TItem), trigger, value => trigger.Fires(AsList<TItem>(value)), async (value, cancellationToken) =>
        {
            var items = AsList<TItem>(value);
            var result = await compactor.CompactAsync(items, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                return null;
            }

            if (result.KeepFrom < 0 || result.KeepFrom > items.Count || result.Head is null)
            {
                throw new InvalidOperationException(
                    $"The compactor of '{channel}' returned KeepFrom = {result.KeepFrom} for a list of {items.Count} items (0 to {items.Count} allowed) or no head.");
            }

            if (result.KeepFrom == 0 && result.Head.Count == 0)
            {
                return null; // the list as it is
            }

            return ((Array)result.Head.ToArray(), result.KeepFrom);
        });

    /// <summary>The compactor a <see cref="KeepLastAttribute"/> declares on <paramref name="channel"/>, a list of <paramref name="itemType"/>.</summary>
    public static CompactorSpec FromAttribute(string channel, Type itemType, KeepLastAttribute attribute) =>
        (CompactorSpec)typeof(CompactorSpec).GetMethod(nameof(KeepLast), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(itemType).Invoke(null, [channel, attribute])!;

    /// <summary>True when the trigger fires on <paramref name="value"/>, the channel's current list.</summary>
    public bool Fires(object? value) => _fires(value);

    /// <summary>The compactor's head items (a TItem[]) and keep-from index, or null when it has nothing to do.</summary>
    public ValueTask<(Array Head, int KeepFrom)?> CompactAsync(object? value, CancellationToken cancellationToken) => _compact(value, cancellationToken);

    private static CompactorSpec KeepLast<TItem>(string channel, KeepLastAttribute attribute) =>
        For(channel, ListCompactors.KeepLast<TItem>(attribute.Count), CompactionTrigger.Items(attribute.AtItems));

    private static IReadOnlyList<TItem> AsList<TItem>(object? value) => value switch
    {
        null => [],
        IReadOnlyList<TItem> list => list,
        IEnumerable<TItem> items => [.. items],
        _ => throw new InvalidOperationException($"A list of {typeof(TItem).Name} was expected, not {value.GetType().Name}."),
    };
}
