using System.Globalization;
using Checkpoint.Memory;

namespace Checkpoint.CrashWorker;

/// <summary>A memory item several processes increment at once: its content is a number.</summary>
public static class SharedCounter
{
    public const string Key = "counter";

    public static MemoryNamespace Namespace { get; } = MemoryNamespace.Of("shared");

    /// <summary>The write that adds one to <paramref name="item"/> (1 when there is none).</summary>
    public static MemoryWrite Increment(MemoryItem? item) => new()
    {
        Namespace = Namespace,
        Key = Key,
        Content = (item is null ? 1 : int.Parse(item.Content, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture),
    };
}
