using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkpoint.Benchmarks.Workloads.M1;

/// <summary>One M1 line (issue 8): a memory store's insert rate, size and search latencies.</summary>
public sealed record M1Result
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Always "M1".</summary>
    public string Workload { get; init; } = "M1";

    /// <summary>memory or sqlite.</summary>
    public required string Store { get; init; }

    /// <summary>Items inserted.</summary>
    public required int Items { get; init; }

    /// <summary>Namespaces the items are spread over.</summary>
    public required int Namespaces { get; init; }

    /// <summary>Queries timed per mode.</summary>
    public required int Queries { get; init; }

    /// <summary>Items per second through <c>PutManyAsync</c> (fake embeddings included, negligible).</summary>
    public required double InsertItemsPerS { get; init; }

    /// <summary>SQLite: db + WAL + shm bytes after closing / items; null for the in-memory store.</summary>
    public double? BytesPerItem { get; init; }

    public required double VectorP50Ms { get; init; }

    public required double KeywordP50Ms { get; init; }

    public required double HybridP50Ms { get; init; }

    public required double HybridP99Ms { get; init; }

    /// <summary>Hybrid top-10 with the prefix = one namespace.</summary>
    public required double HybridInNamespaceP50Ms { get; init; }

    /// <summary>Null: the <c>recall</c> command measures quality (MiniLM, labelled set), not M1.</summary>
    public double? Recall5Keyword { get; init; }

    /// <summary>Null in M1, see <see cref="Recall5Keyword"/>.</summary>
    public double? Recall5Vector { get; init; }

    /// <summary>Null in M1, see <see cref="Recall5Keyword"/>.</summary>
    public double? Recall5Hybrid { get; init; }

    /// <summary>Null in M1: M1 uses a fake generator; the <c>recall</c> command reports MiniLM's rate.</summary>
    public double? EmbedItemsPerS { get; init; }

    /// <summary>Share of vector queries whose top 10 held the item the query was made from (a sanity check, not quality).</summary>
    public double? VectorSelfHit10 { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The fields issue 8 asks for.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
    [
        "workload", "store", "items", "insert_items_per_s", "bytes_per_item", "vector_p50_ms", "keyword_p50_ms",
        "hybrid_p50_ms", "hybrid_p99_ms", "hybrid_in_namespace_p50_ms", "recall5_keyword", "recall5_vector",
        "recall5_hybrid", "embed_items_per_s",
    ];
}
