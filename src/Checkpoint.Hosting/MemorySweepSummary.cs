using Checkpoint.Memory;

namespace Checkpoint.Hosting;

/// <summary>What one memory sweep removed.</summary>
/// <param name="Expired">Items whose expiry had passed (<see cref="MemoryStore.PurgeExpiredAsync"/>).</param>
/// <param name="Evicted">Items evicted to bring groups within their capacity (<see cref="MemoryStore.EnforceCapacityAsync"/>).</param>
/// <param name="Elapsed">How long the sweep took.</param>
public sealed record MemorySweepSummary(IReadOnlyList<MemoryItem> Expired, IReadOnlyList<MemoryItem> Evicted, TimeSpan Elapsed);
