namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>One M2-lifecycle line (issue 10): a capped namespace over a simulated year.</summary>
public sealed record M2LifecycleResult
{
    /// <summary>Always "M2-lifecycle".</summary>
    public string Workload { get; init; } = "M2-lifecycle";

    /// <summary>memory, sqlite or postgres.</summary>
    public required string Store { get; init; }

    /// <summary>The namespace's capacity limit (and the items it held at the start).</summary>
    public required int Cap { get; init; }

    /// <summary>Simulated days; one write per simulated hour.</summary>
    public required int Days { get; init; }

    /// <summary>Writes during the year (days × 24).</summary>
    public required int Writes { get; init; }

    /// <summary>The most live items the namespace held after any write (must be ≤ cap).</summary>
    public required int CountMax { get; init; }

    /// <summary>The fewest live items after any write of the year.</summary>
    public required int CountMin { get; init; }

    /// <summary>Items stored at the end, counted through the store (paged listing).</summary>
    public required int CountEnd { get; init; }

    /// <summary>Share of the year's writes after which the namespace held exactly <see cref="Cap"/> live items.</summary>
    public required double AtCapShare { get; init; }

    /// <summary>Items written per kind (start fill + year).</summary>
    public required IReadOnlyDictionary<string, int> Written { get; init; }

    /// <summary>Items evicted per kind (the <c>Evicted</c> event).</summary>
    public required IReadOnlyDictionary<string, int> Evicted { get; init; }

    /// <summary>Items removed by the daily TTL sweep per kind.</summary>
    public required IReadOnlyDictionary<string, int> Expired { get; init; }

    /// <summary>Items left at the end per kind (from the store).</summary>
    public required IReadOnlyDictionary<string, int> Survivors { get; init; }

    /// <summary>Age in days of the oldest episodic survivor (null when none survived).</summary>
    public double? OldestEpisodicDays { get; init; }

    /// <summary>Share of episodic survivors that had been retrieved at least once (reinforced by use).</summary>
    public double? EpisodicSurvivorsRetrieved { get; init; }

    /// <summary>Median / slowest daily <c>PurgeExpiredAsync</c> (the TTL sweep), ms.</summary>
    public required double SweepMsP50 { get; init; }

    public required double SweepMsMax { get; init; }

    /// <summary>An <c>EnforceCapacityAsync</c> at the end (every group counted; nothing over; the second call, after JIT), ms.</summary>
    public required double EnforceMs { get; init; }

    /// <summary>Median / 99th percentile of a write at the cap (the write, the count, the scan of the group and the eviction), ms.</summary>
    public required double PutMsP50 { get; init; }

    public required double PutMsP99 { get; init; }

    /// <summary>Wall time of the whole run, s.</summary>
    public required double WallS { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => M2Json.Serialize(this);

    /// <summary>The fields issue 10 asks for.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
        ["workload", "store", "cap", "days", "writes", "count_max", "count_end", "survivors", "evicted", "expired", "sweep_ms_p50"];
}
