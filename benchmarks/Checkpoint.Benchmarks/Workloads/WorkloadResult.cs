using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>One line of the workload runner's output (a field that does not apply is null).</summary>
public sealed record WorkloadResult
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public required string Workload { get; init; }

    public required string Saver { get; init; }

    /// <summary>Supersteps (= messages) per thread.</summary>
    public required int N { get; init; }

    public int Threads { get; init; } = 1;

    public int InFlight { get; init; } = 1;

    public string Durability { get; init; } = "sync";

    public double? WallMs { get; init; }

    /// <summary>The same work on <see cref="NullCheckpointSaver"/> (the engine encodes every checkpoint, storage discards it).</summary>
    public double? WallMsNoSaver { get; init; }

    /// <summary>Storage's cost per superstep in microseconds: W1, the median over paired runs of (saver − no saver) / n; W3, (wall_ms - wall_ms_no_saver) / (threads × n).</summary>
    public double? OverheadUsPerStep { get; init; }

    public long? StoredBytes { get; init; }

    /// <summary>The store's size with its schema created and nothing written (the fixed cost inside stored_bytes).</summary>
    public long? StoredBytesEmpty { get; init; }

    /// <summary>
    /// PostgreSQL: the store's size after <c>VACUUM FULL</c> of its tables right after the run (dead tuples of deleted or
    /// replaced rows reclaimed; stored_bytes is the size as the run left it). Null for the other savers.
    /// </summary>
    public long? StoredBytesLive { get; init; }

    /// <summary>threads × n × 200: the message text appended.</summary>
    public required long RawBytes { get; init; }

    /// <summary>stored_bytes / raw_bytes.</summary>
    public double? StoredToRaw { get; init; }

    /// <summary>(stored_bytes − stored_bytes_empty) / raw_bytes: what the workload added, without the empty schema's fixed cost.</summary>
    public double? WorkloadToRaw { get; init; }

    /// <summary>(stored_bytes_live − stored_bytes_empty) / raw_bytes (PostgreSQL).</summary>
    public double? WorkloadLiveToRaw { get; init; }

    /// <summary>Checkpoints in the thread's history (W1: listed after the run).</summary>
    public int? Checkpoints { get; init; }

    public double? GetLatestUs { get; init; }

    public double? GetMidUs { get; init; }

    /// <summary>get-latest with the saver's chunk cache cleared before every read (a cold process).</summary>
    public double? GetLatestColdUs { get; init; }

    /// <summary>get-by-id of the step-N/2 checkpoint with the chunk cache cleared before every read.</summary>
    public double? GetMidColdUs { get; init; }

    public double? ListHistoryMs { get; init; }

    public double? ForkMs { get; init; }

    public double? ThreadsPerS { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The mandatory fields of WORKLOADS.md.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
    [
        "workload", "saver", "n", "wall_ms", "wall_ms_no_saver", "overhead_us_per_step", "stored_bytes",
        "raw_bytes", "get_latest_us", "get_mid_us", "list_history_ms", "fork_ms", "threads_per_s",
    ];
}
