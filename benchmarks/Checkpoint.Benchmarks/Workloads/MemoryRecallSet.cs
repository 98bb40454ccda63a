using System.Text.Json;

namespace Checkpoint.Benchmarks.Workloads;

/// <summary>The labelled memory retrieval set (benchmarks/data/memory-recall.json).</summary>
public sealed class MemoryRecallSet
{
    /// <summary>The tags a query may carry.</summary>
    public static readonly IReadOnlyList<string> Tags = ["keyword", "meaning", "both"];

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    public required IReadOnlyList<MemoryRecallFact> Facts { get; init; }

    public required IReadOnlyList<MemoryRecallQuery> Queries { get; init; }

    /// <summary>The file copied beside the runner (and its tests) at build time.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "memory-recall.json");

    public static MemoryRecallSet Load(string? path = null)
    {
        using var stream = File.OpenRead(path ?? DefaultPath);
        var file = JsonSerializer.Deserialize<FileShape>(stream, JsonOptions)
            ?? throw new InvalidDataException($"{path ?? DefaultPath} is empty.");
        return new MemoryRecallSet { Facts = file.Facts ?? [], Queries = file.Queries ?? [] };
    }

    private sealed record FileShape(List<MemoryRecallFact>? Facts, List<MemoryRecallQuery>? Queries);
}
