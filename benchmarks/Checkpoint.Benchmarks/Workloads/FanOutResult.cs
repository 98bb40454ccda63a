using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>
/// One "fan-out" line: a step of <see cref="Sends"/> Sends (each appends one item) against the same number of sequential
/// steps (each appends one item), on one saver: what a mapped task costs next to a superstep.
/// </summary>
public sealed record FanOutResult
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Workload { get; init; } = "fan-out";

    public required string Saver { get; init; }

    /// <summary>Sends in the fan-out step, and steps in the sequential run.</summary>
    public required int Sends { get; init; }

    /// <summary>The whole fan-out run (input, plan, the Sends' step, its checkpoint), median of the rounds.</summary>
    public required double FanOutMs { get; init; }

    /// <summary><see cref="FanOutMs"/> per Send.</summary>
    public required double PerTaskUs { get; init; }

    /// <summary>The same number of items appended by one node in as many sequential steps, median of the rounds.</summary>
    public required double SequentialMs { get; init; }

    /// <summary><see cref="SequentialMs"/> per step.</summary>
    public required double PerStepUs { get; init; }

    /// <summary>How many times cheaper a mapped task is than a superstep (<see cref="PerStepUs"/> / <see cref="PerTaskUs"/>).</summary>
    public required double StepToTaskRatio { get; init; }

    /// <summary>Bytes the fan-out thread left in the store (null when the saver cannot say).</summary>
    public long? StoredBytesFanOut { get; init; }

    /// <summary>Bytes the sequential thread left in the store.</summary>
    public long? StoredBytesSequential { get; init; }

    public required int Rounds { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The fields every fan-out line has.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
    [
        "workload", "saver", "sends", "fan_out_ms", "per_task_us", "sequential_ms", "per_step_us", "step_to_task_ratio",
        "stored_bytes_fan_out", "stored_bytes_sequential", "rounds",
    ];
}
