using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>One W2 line: the fields of the issue, plus whether the compactor ran and the raw text size.</summary>
public sealed record W2Result
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Workload { get; init; } = "W2";

    public required string Saver { get; init; }

    /// <summary>Supersteps (= messages appended).</summary>
    public required int N { get; init; }

    /// <summary>False for the contrast run without a compactor.</summary>
    public required bool Compactor { get; init; }

    /// <summary>The largest MessagePack size of the state's Messages over the run (the saver's serializer, before LZ4).</summary>
    public required long LiveStateMaxBytes { get; init; }

    /// <summary>Get-latest after step 500 (or N when smaller), chunk cache off (a cold reader saver on the same store).</summary>
    [JsonPropertyName("get_latest_us_at_500")]
    public required double GetLatestUsAt500 { get; init; }

    /// <summary>Get-latest after step N, chunk cache off.</summary>
    public required double GetLatestUsAtEnd { get; init; }

    public long? StoredBytes { get; init; }

    /// <summary>Compact checkpoints in the thread's history.</summary>
    public required int Compactions { get; init; }

    /// <summary>n × 200: the message text appended.</summary>
    public required long RawBytes { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The fields every W2 line has.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
    [
        "workload", "saver", "n", "compactor", "live_state_max_bytes", "get_latest_us_at_500", "get_latest_us_at_end", "stored_bytes", "compactions",
    ];
}
