using Microsoft.Extensions.Logging;

namespace Checkpoint.Memory;

/// <summary>The memory store's log messages.</summary>
internal static partial class MemoryLog
{
    [LoggerMessage(101, LogLevel.Information, "Memory capacity {Pattern} = {MaxItems}: evicted {Count} item(s) from {Group}: {Keys}")]
    public static partial void Evicted(ILogger logger, string pattern, int maxItems, int count, MemoryNamespace group, string keys);
}
