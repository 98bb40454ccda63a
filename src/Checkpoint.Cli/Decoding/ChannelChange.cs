using System.Text.Json.Nodes;

namespace Checkpoint.Cli.Decoding;

/// <summary>
/// How one channel differs between two checkpoints: for lists, the items removed and added between their common
/// start and common end (an append shows only additions); for other values, the value before and after.
/// </summary>
internal sealed record ChannelChange(string Channel, string Kind, JsonNode? Before, JsonNode? After, JsonArray? Removed, JsonArray? Added)
{
    /// <summary>The changes from checkpoint A to checkpoint B, channel by channel (unchanged channels left out).</summary>
    public static List<ChannelChange> Between(RawCheckpoint a, RawCheckpoint b)
    {
        var before = a.Channels.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
        var after = b.Channels.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);
        var changes = new List<ChannelChange>();
        foreach (var name in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var hadBefore = before.TryGetValue(name, out var old);
            var hasAfter = after.TryGetValue(name, out var now);
            if (!hadBefore)
            {
                changes.Add(new ChannelChange(name, "added", null, now, null, null));
            }
            else if (!hasAfter)
            {
                changes.Add(new ChannelChange(name, "removed", old, null, null, null));
            }
            else if (old is JsonArray oldList && now is JsonArray newList)
            {
                if (!JsonNode.DeepEquals(oldList, newList))
                {
                    changes.Add(ListChange(name, oldList, newList));
                }
            }
            else if (!JsonNode.DeepEquals(old, now))
            {
                changes.Add(new ChannelChange(name, "changed", old, now, null, null));
            }
        }

        return changes;
    }

    public JsonObject ToJson() => new()
    {
        ["channel"] = Channel,
        ["change"] = Kind,
        ["before"] = Removed is null ? Before?.DeepClone() : null,
        ["after"] = Added is null ? After?.DeepClone() : null,
        ["removed"] = Removed?.DeepClone(),
        ["added"] = Added?.DeepClone(),
    };

    private static ChannelChange ListChange(string name, JsonArray before, JsonArray after)
    {
        var prefix = 0;
        while (prefix < before.Count && prefix < after.Count && JsonNode.DeepEquals(before[prefix], after[prefix]))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < before.Count - prefix && suffix < after.Count - prefix
            && JsonNode.DeepEquals(before[before.Count - 1 - suffix], after[after.Count - 1 - suffix]))
        {
            suffix++;
        }

        var removed = new JsonArray([.. before.Skip(prefix).Take(before.Count - prefix - suffix).Select(n => n?.DeepClone())]);
        var added = new JsonArray([.. after.Skip(prefix).Take(after.Count - prefix - suffix).Select(n => n?.DeepClone())]);
        return new ChannelChange(name, "list", null, null, removed, added);
    }
}
