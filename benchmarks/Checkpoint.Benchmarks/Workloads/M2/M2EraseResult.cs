namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>One M2-erase line (issue 10): erasing one subject's memories and threads on one backend.</summary>
public sealed record M2EraseResult
{
    /// <summary>Always "M2-erase".</summary>
    public string Workload { get; init; } = "M2-erase";

    /// <summary>memory, sqlite, postgres (memory store + saver in one file / schema), redis (saver only) or markdown (store only).</summary>
    public required string Store { get; init; }

    /// <summary>What the line covers: <c>memories+threads</c>, <c>threads</c> (redis) or <c>memories</c> (markdown).</summary>
    public required string Covers { get; init; }

    /// <summary><c>SubjectErasure.EraseAsync</c> over the backend's store and saver, scrubbing included, ms.</summary>
    public required double EraseMs { get; init; }

    /// <summary>Memory items + history rows + checkpoints the receipt counts.</summary>
    public required int RecordsErased { get; init; }

    /// <summary>Occurrences of the subject's marker in the stored bytes after erasure (must be 0); null when there are none to read (in process).</summary>
    public required long? BytesLeft { get; init; }

    /// <summary>The same count before erasure (above 0: the scan sees the data).</summary>
    public required long? BytesBefore { get; init; }

    /// <summary>Occurrences of the kept subject's marker after erasure (above 0: the scan still sees kept data).</summary>
    public required long? KeptBytesLeft { get; init; }

    /// <summary>What the byte scan read: <c>files</c> (SQLite db + WAL + shm + journal, or the markdown folder), <c>table-files</c> (PostgreSQL heap, TOAST and index files after CHECKPOINT), <c>redis-values</c> (every remaining key and value under the prefix) or <c>none</c>.</summary>
    public required string Scan { get; init; }

    /// <summary>The subject's records still readable through the API after erasure (items, history rows, checkpoints): must be 0.</summary>
    public required int RecordsLeft { get; init; }

    /// <summary>True when every record of the kept subject still reads back (items and the last state of each thread).</summary>
    public required bool KeptIntact { get; init; }

    /// <summary>The subject's memories written (some updated once, so history holds old texts).</summary>
    public required int Memories { get; init; }

    /// <summary>The subject's threads and supersteps per thread.</summary>
    public required int Threads { get; init; }

    public required int Steps { get; init; }

    /// <summary>From the receipt: memory items, history rows, threads and checkpoints removed, and whether the bytes were scrubbed.</summary>
    public required int MemoryItems { get; init; }

    public required int HistoryRows { get; init; }

    public required int ThreadsErased { get; init; }

    public required int Checkpoints { get; init; }

    public required bool Scrubbed { get; init; }

    public bool Quick { get; init; }

    public string ToJson() => M2Json.Serialize(this);

    /// <summary>The fields issue 10 asks for.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } = ["workload", "store", "erase_ms", "records_erased", "bytes_left"];
}
