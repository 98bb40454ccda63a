using Microsoft.Extensions.AI;

namespace Checkpoint.Compaction;

/// <summary>
/// When the engine compacts a list channel: after a step, it measures the channel's value and runs
/// the compactor when the measure has reached <see cref="Limit"/> (items, characters or estimated tokens).
/// Characters and tokens need each item's text: give a function, or let the default read it
/// (<see cref="ChatMessage.Text"/> for <see cref="ChatMessage"/> items, the string itself for strings).
/// </summary>
public sealed class CompactionTrigger
{
    /// <summary>The characters counted as one token by <see cref="Tokens(int)"/>: a rough estimate for English text and common tokenizers.</summary>
    public const int CharactersPerToken = 4;

    private CompactionTrigger(CompactionTriggerKind kind, int limit, Func<object?, string>? text, Type? itemType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Kind = kind;
        Limit = limit;
        Text = text;
        TextItemType = itemType;
    }

    /// <summary>What the trigger measures.</summary>
    public CompactionTriggerKind Kind { get; }

    /// <summary>The measure at (or above) which the trigger fires.</summary>
    public int Limit { get; }

    /// <summary>The text function given with the trigger (boxed), or null for the default.</summary>
    internal Func<object?, string>? Text { get; }

    /// <summary>The item type the text function takes, when one was given.</summary>
    internal Type? TextItemType { get; }

    /// <summary>Fires when the list holds <paramref name="count"/> items or more.</summary>
    public static CompactionTrigger Items(int count) => new(CompactionTriggerKind.Items, count, null, null);

    /// <summary>Fires when the items' text adds up to <paramref name="count"/> characters or more (default text: <see cref="ChatMessage.Text"/> or the string).</summary>
    public static CompactionTrigger Characters(int count) => new(CompactionTriggerKind.Characters, count, null, null);

    /// <summary>Fires when the items' text, read by <paramref name="text"/>, adds up to <paramref name="count"/> characters or more.</summary>
    public static CompactionTrigger Characters<TItem>(int count, Func<TItem, string> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(CompactionTriggerKind.Characters, count, item => text((TItem)item!), typeof(TItem));
    }

    /// <summary>
    /// Fires when the estimated tokens reach <paramref name="count"/>: the total characters of the items'
    /// text (default text: <see cref="ChatMessage.Text"/> or the string) divided by
    /// <see cref="CharactersPerToken"/>, rounded up. An estimate, not a tokenizer.
    /// </summary>
    public static CompactionTrigger Tokens(int count) => new(CompactionTriggerKind.Tokens, count, null, null);

    /// <summary>Like <see cref="Tokens(int)"/>, reading each item's text with <paramref name="text"/>.</summary>
    public static CompactionTrigger Tokens<TItem>(int count, Func<TItem, string> text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(CompactionTriggerKind.Tokens, count, item => text((TItem)item!), typeof(TItem));
    }

    /// <summary>True when the trigger fires on <paramref name="items"/>.</summary>
    /// <exception cref="InvalidOperationException">A characters or tokens trigger has no way to read the text of <typeparamref name="TItem"/>.</exception>
    public bool Fires<TItem>(IReadOnlyCollection<TItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (Kind == CompactionTriggerKind.Items)
        {
            return items.Count >= Limit;
        }

        var text = TextOf<TItem>() ?? throw new InvalidOperationException(MissingText(typeof(TItem)));
        long characters = 0;
        foreach (var item in items)
        {
            characters += text(item)?.Length ?? 0;
            if (Measure(characters) >= Limit)
            {
                return true; // no need to read the rest
            }
        }

        return false;
    }

    /// <summary>Why this trigger cannot measure items of <paramref name="itemType"/>, or null when it can.</summary>
    internal string? Problem(Type itemType)
    {
        if (Kind == CompactionTriggerKind.Items)
        {
            return null;
        }

        if (TextItemType is { } given)
        {
            return given.IsAssignableFrom(itemType) ? null : $"its text function takes {given.Name}, but the items are {itemType.Name}.";
        }

        return itemType == typeof(string) || typeof(ChatMessage).IsAssignableFrom(itemType) ? null : MissingText(itemType);
    }

    private long Measure(long characters) => Kind == CompactionTriggerKind.Tokens ? (characters + CharactersPerToken - 1) / CharactersPerToken : characters;

    private Func<TItem, string?>? TextOf<TItem>()
    {
        if (Text is { } text)
        {
            return item => text(item);
        }

        if (typeof(TItem) == typeof(string))
        {
            return item => (string?)(object?)item;
        }

        return typeof(ChatMessage).IsAssignableFrom(typeof(TItem)) ? item => ((ChatMessage?)(object?)item)?.Text : null;
    }

    private string MissingText(Type itemType) =>
        $"a {Kind} trigger needs the text of each item: give one, e.g. CompactionTrigger.{Kind}<{itemType.Name}>({Limit}, item => item.Text).";
}
