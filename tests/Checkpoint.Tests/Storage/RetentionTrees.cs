using Checkpoint.Storage;

namespace Checkpoint.Tests.Storage;

/// <summary>Random checkpoint trees and policies for the retention properties, from a seed.</summary>
internal static class RetentionTrees
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The id of the i-th checkpoint: ids order by i, as UUIDv7 ids order by time.</summary>
    public static Guid Id(int i)
    {
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), i);
        bytes.AsSpan(0, 4).Reverse();
        bytes[6] = 0x70;
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>
    /// A thread of up to 60 checkpoints in two namespaces: mostly chains, some forks, a few dangling
    /// parents (pruned before), compactions, interrupts and tagged ones; one checkpoint a minute.
    /// </summary>
    public static List<CheckpointSummary> Thread(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(1, 60);
        var summaries = new List<CheckpointSummary>();
        var lastByNamespace = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var ns = random.Next(5) == 0 ? "sub" : "";
            var siblings = summaries.Where(s => s.Namespace == ns).ToList();
            Guid? parent = siblings.Count == 0 || random.Next(12) == 0
                ? (random.Next(3) == 0 ? Guid.NewGuid() : null)
                : random.Next(4) == 0 ? siblings[random.Next(siblings.Count)].Id : Id(lastByNamespace[ns]);
            var parentStep = parent is { } p ? summaries.FirstOrDefault(s => s.Id == p)?.Step ?? random.Next(20) : -2;
            summaries.Add(new CheckpointSummary(
                Id(i), ns, parent, parentStep + 1,
                random.Next(8) == 0 ? CheckpointSource.Compact : CheckpointSource.Loop,
                Start.AddMinutes(i),
                random.Next(10) == 0,
                random.Next(10) == 0 ? new Dictionary<string, string> { ["keep"] = "yes" } : new Dictionary<string, string>()));
            lastByNamespace[ns] = i;
        }

        return summaries;
    }

    public static RetentionPolicy Policy(int seed)
    {
        var random = new Random(~seed);
        return new RetentionPolicy
        {
            KeepLatest = random.Next(0, 6),
            KeepYoungerThan = random.Next(3) == 0 ? TimeSpan.FromMinutes(random.Next(1, 60)) : null,
            KeepEveryKthStep = random.Next(3) == 0 ? random.Next(1, 8) : null,
            KeepForkPoints = random.Next(2) == 0,
            KeepInterrupts = random.Next(2) == 0,
            KeepTags = random.Next(2) == 0 ? ["keep"] : [],
            KeepAncestors = random.Next(2) == 0,
            DropBeforeCompaction = random.Next(2) == 0,
        };
    }

    /// <summary>The prune's time: a little after the last checkpoint.</summary>
    public static DateTimeOffset Now(IReadOnlyList<CheckpointSummary> thread) => Start.AddMinutes(thread.Count + 1);

    /// <summary>The ancestors of a checkpoint present in the thread.</summary>
    public static IEnumerable<Guid> Ancestors(IReadOnlyList<CheckpointSummary> thread, Guid id)
    {
        var byId = thread.ToDictionary(s => s.Id);
        var seen = new HashSet<Guid>();
        for (var parent = byId[id].ParentId; parent is { } p && byId.TryGetValue(p, out var summary) && seen.Add(p); parent = summary.ParentId)
        {
            yield return p;
        }
    }
}
