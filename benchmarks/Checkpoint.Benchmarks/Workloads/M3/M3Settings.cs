namespace Checkpoint.Benchmarks.Workloads.M3;

/// <summary>M3-shared's size (issue 15): writers spread over processes updating shared items for a while.</summary>
public sealed record M3Settings
{
    /// <summary>Writer processes (the watcher is this process).</summary>
    public int Processes { get; init; } = 4;

    /// <summary>Writers in all, spread evenly over the processes.</summary>
    public int Writers { get; init; } = 8;

    /// <summary>Shared items the writers update (each write picks one at random).</summary>
    public int Items { get; init; } = 100;

    /// <summary>How long the writers write.</summary>
    public double Seconds { get; init; } = 30;

    /// <summary>The short run of <c>--quick</c>.</summary>
    public static M3Settings Quick { get; } = new() { Seconds = 5 };
}
