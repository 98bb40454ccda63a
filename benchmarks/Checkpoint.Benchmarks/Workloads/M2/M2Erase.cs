using System.Diagnostics;
using Checkpoint.Memory;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Workloads.M2;

/// <summary>
/// M2-erase (issue 10): a subject with memories (a tenth of them updated once, a tenth in a namespace shared with
/// another subject) and threads run with <c>RunConfig.SubjectId</c>, beside a kept subject with as many memories
/// and one thread; then <c>SubjectErasure.EraseAsync</c> is timed and the stored bytes scanned for the subject's
/// marker (its id, which starts every message and memory text). Written with compression off and no key, so
/// text is visible as plain bytes at all (<see cref="Plain"/>).
/// </summary>
public sealed class M2Erase(TextWriter progress, M2Settings settings, bool quick)
{
    /// <summary>The root namespace of the workload.</summary>
    public static MemoryNamespace Root { get; } = MemoryNamespace.Of("m2", "erase");

    /// <summary>No compression, no key: the scan must be able to see a marker before erasure.</summary>
    public static CheckpointSerializer Plain { get; } = new(new SerializerOptions { CompressionThreshold = int.MaxValue });

    /// <summary>Store options: the plain serializer and the bag-of-words embedder (so vectors are stored and erased too).</summary>
    public static MemoryStoreOptions StoreOptions(BagOfWordsEmbeddingGenerator embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return new MemoryStoreOptions { Embeddings = embedder, Dimensions = embedder.Dimensions, Serializer = Plain };
    }

    /// <summary>Fills <paramref name="target"/>, erases the subject and measures.</summary>
    public async Task<M2EraseResult> RunAsync(M2Target target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var subject = $"m2subj{unique}";
        var kept = $"m2kept{unique}";
        var (store, saver) = (target.Store, target.Saver);
        var graph = saver is null ? null : M2EraseState.Graph(settings.EraseSteps).Compile(saver);
        var watch = Stopwatch.StartNew();
        var subjectKeys = store is null ? [] : await WriteMemoriesAsync(store, subject).ConfigureAwait(false);
        var keptKeys = store is null ? [] : await WriteMemoriesAsync(store, kept).ConfigureAwait(false);
        var subjectThreads = Enumerable.Range(0, settings.EraseThreads).Select(t => $"{subject}-t{t}").ToList();
        var keptThread = $"{kept}-t0";
        if (graph is not null)
        {
            foreach (var thread in subjectThreads.Append(keptThread))
            {
                var who = thread.StartsWith(subject, StringComparison.Ordinal) ? subject : kept;
                _ = await graph.InvokeAsync(new M2EraseState { Subject = who }, Config(thread, who)).ConfigureAwait(false);
            }
        }

        await progress.WriteLineAsync(
            $"M2-erase {target.Name}: {subjectKeys.Count} memories, {(graph is null ? 0 : subjectThreads.Count)} threads × {settings.EraseSteps} steps written in {watch.Elapsed.TotalSeconds:F1} s")
            .ConfigureAwait(false);
        var before = await target.CountMarkerAsync(subject).ConfigureAwait(false);

        var started = Stopwatch.GetTimestamp();
        var receipt = await SubjectErasure.EraseAsync(subject, store is null ? [] : [store], saver is null ? [] : [saver]).ConfigureAwait(false);
        var eraseTime = Stopwatch.GetElapsedTime(started);

        var left = await target.CountMarkerAsync(subject).ConfigureAwait(false);
        var keptLeft = await target.CountMarkerAsync(kept).ConfigureAwait(false);
        var recordsLeft = await RecordsLeftAsync(store, saver, subject, subjectKeys, subjectThreads).ConfigureAwait(false);
        var intact = await KeptIntactAsync(store, graph, kept, keptKeys, keptThread).ConfigureAwait(false);
        return new M2EraseResult
        {
            Store = target.Name,
            Covers = (store, saver) switch { (not null, not null) => "memories+threads", (null, _) => "threads", _ => "memories" },
            EraseMs = M2Json.Ms(eraseTime),
            RecordsErased = receipt.MemoryItems + receipt.HistoryRows + receipt.CheckpointCount,
            BytesLeft = left,
            BytesBefore = before,
            KeptBytesLeft = keptLeft,
            Scan = target.Scan,
            RecordsLeft = recordsLeft,
            KeptIntact = intact,
            Memories = subjectKeys.Count,
            Threads = graph is null ? 0 : subjectThreads.Count,
            Steps = settings.EraseSteps,
            MemoryItems = receipt.MemoryItems,
            HistoryRows = receipt.HistoryRows,
            ThreadsErased = receipt.Threads,
            Checkpoints = receipt.CheckpointCount,
            Scrubbed = receipt.Scrubbed,
            Quick = quick,
        };
    }

    private RunConfig Config(string thread, string subject) =>
        RunConfig.ForThread(thread) with { SubjectId = subject, RecursionLimit = settings.EraseSteps + 16 };

    // The subject's memories: nine in ten in its own namespace, one in ten in a namespace every subject shares;
    // one in ten is then rewritten, so its history holds the old text.
    private async Task<List<MemoryKey>> WriteMemoriesAsync(MemoryStore store, string subject)
    {
        var own = Root.Append("users").Append(subject);
        var shared = Root.Append("shared");
        var writes = Enumerable.Range(0, settings.EraseMemories).Select(i => new MemoryWrite
        {
            Namespace = i % 10 == 9 ? shared : own,
            Key = $"{subject}-m{i}",
            Content = $"{subject} {MessageText.For(i + 1)}",
            SubjectId = subject,
        }).ToList();
        foreach (var batch in writes.Chunk(100))
        {
            _ = await store.PutManyAsync(batch).ConfigureAwait(false);
        }

        var updates = writes.Select((write, i) => write with { Content = $"{subject} updated {MessageText.For(i + 5_001)}" }).Where((_, i) => i % 10 == 0);
        foreach (var batch in updates.Chunk(100))
        {
            _ = await store.PutManyAsync(batch).ConfigureAwait(false);
        }

        return [.. writes.Select(write => new MemoryKey(write.Namespace, write.Key))];
    }

    // The subject's items, history rows and checkpoints that can still be read through the API.
    private static async Task<int> RecordsLeftAsync(
        MemoryStore? store, CheckpointSaver? saver, string subject, List<MemoryKey> keys, List<string> threads)
    {
        var left = 0;
        if (store is not null)
        {
            left += (await ItemsAsync(store, subject).ConfigureAwait(false)).Count;
            foreach (var key in keys)
            {
                left += (await store.GetHistoryAsync(key.Namespace, key.Key).ConfigureAwait(false)).Count;
            }
        }

        if (saver is not null)
        {
            var filter = new CheckpointFilter { Metadata = new Dictionary<string, string> { [RunConfig.SubjectMetadataKey] = subject } };
            await foreach (var _ in saver.ListAsync(filter).ConfigureAwait(false))
            {
                left++;
            }

            foreach (var thread in threads)
            {
                await foreach (var _ in saver.ListAsync(new CheckpointFilter { ThreadId = thread }).ConfigureAwait(false))
                {
                    left++;
                }
            }
        }

        return left;
    }

    private async Task<bool> KeptIntactAsync(MemoryStore? store, CompiledGraph<M2EraseState>? graph, string kept, List<MemoryKey> keys, string thread)
    {
        if (store is not null)
        {
            var items = await ItemsAsync(store, kept).ConfigureAwait(false);
            if (items.Count != keys.Count || items.Any(item => !item.Content.StartsWith(kept, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        if (graph is not null)
        {
            var state = await graph.GetStateAsync(RunConfig.ForThread(thread)).ConfigureAwait(false);
            if (state is null || state.Values.Step != settings.EraseSteps || state.Values.Messages.Count != settings.EraseSteps
                || state.Values.Messages.Any(m => !m.Content.StartsWith(kept, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<List<MemoryItem>> ItemsAsync(MemoryStore store, string subject)
    {
        var items = new List<MemoryItem>();
        for (var offset = 0; ; offset += 1000)
        {
            var page = await store.SearchAsync(new MemorySearch { NamespacePrefix = Root, SubjectId = subject, Limit = 1000, Offset = offset }).ConfigureAwait(false);
            items.AddRange(page.Select(hit => hit.Item));
            if (page.Count < 1000)
            {
                return items;
            }
        }
    }
}
