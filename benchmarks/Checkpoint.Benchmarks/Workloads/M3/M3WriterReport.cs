namespace Checkpoint.Benchmarks.Workloads.M3;

/// <summary>What one writer process did, printed as JSON on its last stdout line.</summary>
public sealed record M3WriterReport
{
    /// <summary>Updates committed.</summary>
    public long Updates { get; init; }

    /// <summary>Calls of the change function (one per attempt: committed or lost to another writer).</summary>
    public long Attempts { get; init; }

    /// <summary>How long its writers wrote, s.</summary>
    public double Seconds { get; init; }

    /// <summary>Per committed update: the item's index, the version it committed and <c>Stopwatch.GetTimestamp()</c> right after the commit.</summary>
    public long[] Items { get; init; } = [];

    public long[] Versions { get; init; } = [];

    public long[] Timestamps { get; init; } = [];
}
