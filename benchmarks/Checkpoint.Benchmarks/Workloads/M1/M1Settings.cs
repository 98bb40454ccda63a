namespace Checkpoint.Benchmarks.Workloads.M1;

/// <summary>M1's scale: items spread round-robin over namespaces, seeded queries, insert batch size.</summary>
public sealed record M1Settings
{
    /// <summary>Items inserted (issue 8: 100,000).</summary>
    public int Items { get; init; } = 100_000;

    /// <summary>Namespaces under the root (issue 8: 1,000); capped at <see cref="Items"/>.</summary>
    public int Namespaces { get; init; } = 1_000;

    /// <summary>Timed queries per mode.</summary>
    public int Queries { get; init; } = 200;

    /// <summary>Writes per <c>PutManyAsync</c>.</summary>
    public int Batch { get; init; } = 500;

    /// <summary>Seeds the query choice and the noise.</summary>
    public int Seed { get; init; } = 8;

    /// <summary>Results per search.</summary>
    public int TopK { get; init; } = 10;

    /// <summary>Per-component standard deviation of the noise added to a query's item vector (norm ≈ 0.02·√384 ≈ 0.4).</summary>
    public double Noise { get; init; } = 0.02;
}
