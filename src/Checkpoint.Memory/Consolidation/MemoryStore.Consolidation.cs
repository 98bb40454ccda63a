using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Checkpoint.Memory;

/// <summary>Consolidation: episodes become long-term facts through a chat model, decided against existing memories.</summary>
public abstract partial class MemoryStore
{
    /// <summary>The metadata key set on an episode once it has been consolidated (it is not read again).</summary>
    public const string ConsolidatedMetadataKey = "consolidated";

    /// <summary>
    /// Turns the unconsolidated episodic items of <paramref name="memoryNamespace"/> (oldest first, at most
    /// <see cref="ConsolidationOptions.MaxEpisodes"/>) into long-term facts: the model proposes facts
    /// (<see cref="ConsolidationPrompts.Extract"/>), then decides each against its nearest existing memories in the
    /// target namespace (<see cref="ConsolidationPrompts.Decide"/>): ADD, UPDATE an existing item, DELETE a
    /// contradicted one (and add the new fact), or NONE. The model sees only stand-in ids (E1…, M1…); an answer naming
    /// an id it was not shown is rejected. Every change's history row names the episodes it came from; updates and
    /// deletes are version-checked, so a concurrent edit wins. The episodes are then marked
    /// <see cref="ConsolidatedMetadataKey"/> = true.
    /// </summary>
    public async Task<ConsolidationReport> ConsolidateAsync(
        MemoryNamespace memoryNamespace, ConsolidationOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(memoryNamespace);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.ChatClient, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Neighbours, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxEpisodes, nameof(options));
        var now = Options.TimeProvider.GetUtcNow();
        var stored = await UnconsolidatedEpisodesAsync(memoryNamespace, options.MaxEpisodes, now, cancellationToken).ConfigureAwait(false);
        var episodes = stored.Select(episode => episode.Item).ToList();
        var report = new ConsolidationWork();
        if (episodes.Count == 0)
        {
            return report.ToReport(0);
        }

        var episodeIds = episodes.Select((episode, i) => ("E" + (i + 1).ToString(CultureInfo.InvariantCulture), episode))
            .ToDictionary(pair => pair.Item1, pair => pair.episode, StringComparer.Ordinal);
        var answer = await AskAsync(options.ChatClient, options.ExtractPrompt,
            string.Join('\n', episodeIds.Select(pair => $"{pair.Key}: {pair.Value.Content}")), cancellationToken).ConfigureAwait(false);
        if (ConsolidationAnswers.Facts(answer) is not { } facts)
        {
            report.Rejected.Add(answer);
            return report.ToReport(episodes.Count);
        }

        foreach (var (text, sourceIds) in facts)
        {
            var sources = sourceIds.Where(episodeIds.ContainsKey).Select(id => episodeIds[id]).ToList();
            await DecideAsync(options, options.Target ?? memoryNamespace, text, sources.Count > 0 ? sources : episodes, report, now, cancellationToken)
                .ConfigureAwait(false);
        }

        await MarkConsolidatedAsync(stored, cancellationToken).ConfigureAwait(false);
        return report.ToReport(episodes.Count);
    }

    // With their vectors: marking an episode consolidated stores it again, vector included.
    private async Task<List<StoredMemory>> UnconsolidatedEpisodesAsync(MemoryNamespace memoryNamespace, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var episodes = new List<StoredMemory>();
        await foreach (var stored in ScanCoreAsync(new MemoryScan { NamespacePrefix = memoryNamespace, WithVectors = true }, cancellationToken).ConfigureAwait(false))
        {
            var item = stored.Item;
            if (item.Kind == MemoryKind.Episodic && item.Namespace.Equals(memoryNamespace) && !item.IsExpiredAt(now)
                && !(item.Metadata.TryGetValue(ConsolidatedMetadataKey, out var done) && done is true))
            {
                episodes.Add(stored);
            }
        }

        return [.. episodes.OrderBy(s => s.Item.CreatedAt).ThenBy(s => s.Item.Key, StringComparer.Ordinal).Take(max)];
    }

    private async Task DecideAsync(
        ConsolidationOptions options, MemoryNamespace target, string fact, List<MemoryItem> sources, ConsolidationWork report,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nearest = await NearestFactsAsync(target, fact, options.Neighbours, now, cancellationToken).ConfigureAwait(false);
        var memoryIds = nearest.Select((item, i) => ("M" + (i + 1).ToString(CultureInfo.InvariantCulture), item))
            .ToDictionary(pair => pair.Item1, pair => pair.item, StringComparer.Ordinal);
        var question = new StringBuilder("New fact: ").Append(fact).Append("\nExisting memories:\n");
        foreach (var (standIn, memory) in memoryIds)
        {
            question.Append(standIn).Append(": ").Append(memory.Content).Append('\n');
        }

        var answer = await AskAsync(options.ChatClient, options.DecidePrompt, question.ToString(), cancellationToken).ConfigureAwait(false);
        var decision = ConsolidationAnswers.Decision(answer);
        var named = decision is { Id: { } id } && memoryIds.TryGetValue(id, out var shown) ? shown : null;
        var provenance = sources.Select(source => new MemoryKey(source.Namespace, source.Key)).ToList();
        var subject = sources.Select(source => source.SubjectId).Distinct().Count() == 1 ? sources[0].SubjectId : null;
        var text = decision?.Text ?? fact;
        try
        {
            switch (decision?.Action)
            {
                case "ADD":
                    report.Added.Add(await AddFactAsync(target, text, subject, provenance, cancellationToken).ConfigureAwait(false));
                    break;
                case "UPDATE" when named is not null:
                    var write = new MemoryWrite
                    {
                        Namespace = named.Namespace, Key = named.Key, Kind = named.Kind, Content = text, Metadata = named.Metadata,
                        Entities = named.Entities, Importance = named.Importance, SubjectId = named.SubjectId, ExpectedVersion = named.Version,
                    };
                    report.Updated.Add(await WriteWithProvenanceAsync(write, MemoryChangeKind.Update, provenance, "consolidation", cancellationToken).ConfigureAwait(false));
                    break;
                case "DELETE" when named is not null:
                    var removed = await RemoveCoreAsync(
                        [new MemoryRemoval(new MemoryKey(named.Namespace, named.Key), named.Version, MemoryChangeKind.Delete, $"contradicted by consolidation: {text}")],
                        now, cancellationToken).ConfigureAwait(false);
                    report.Deleted.AddRange(removed);
                    report.Conflicts += removed.Count == 0 ? 1 : 0;
                    report.Added.Add(await AddFactAsync(target, text, subject, provenance, cancellationToken).ConfigureAwait(false));
                    break;
                case "NONE":
                    report.Unchanged++;
                    break;
                default:
                    report.Rejected.Add(answer); // not understood, or an id the model was not shown
                    break;
            }
        }
        catch (MemoryConflictException)
        {
            report.Conflicts++; // another writer changed the item since it was read: its edit wins
        }
    }

    private Task<MemoryItem> AddFactAsync(MemoryNamespace target, string text, string? subject, List<MemoryKey> provenance, CancellationToken cancellationToken) =>
        WriteWithProvenanceAsync(
            new MemoryWrite
            {
                Namespace = target, Key = "fact-" + Guid.CreateVersion7().ToString("N"), Kind = MemoryKind.LongTerm, Content = text,
                SubjectId = subject, ExpectedVersion = 0,
            },
            MemoryChangeKind.Add, provenance, "consolidation", cancellationToken);

    // One write with its history row naming where it came from (validated, embedded, capacity enforced like a put).
    private async Task<MemoryItem> WriteWithProvenanceAsync(
        MemoryWrite write, MemoryChangeKind kind, IReadOnlyList<MemoryKey> sources, string reason, CancellationToken cancellationToken)
    {
        ValidateWrite(write);
        var vectors = await EmbedAsync([Options.EmbeddedText(write)], cancellationToken).ConfigureAwait(false);
        var put = new MemoryPut(NewItem(write, Options.TimeProvider.GetUtcNow()), vectors?[0], write.ExpectedVersion)
        {
            ChangeKind = kind,
            Sources = sources,
            Reason = reason,
        };
        var stored = await PutCoreAsync([put], cancellationToken).ConfigureAwait(false);
        await EnforceAfterPutAsync(stored, cancellationToken).ConfigureAwait(false);
        return stored[0];
    }

    private async Task<List<MemoryItem>> NearestFactsAsync(MemoryNamespace target, string fact, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var vector = Options.Embeddings is null ? null : (await EmbedAsync([fact], cancellationToken).ConfigureAwait(false))?[0];
        var search = new MemorySearch { NamespacePrefix = target, Query = fact, Kinds = [MemoryKind.LongTerm, MemoryKind.Semantic], Limit = count };
        var candidates = await SearchCoreAsync(new CandidateQuery(search, vector, UseKeyword: true, vector is not null, Math.Max(count, 10), now), cancellationToken)
            .ConfigureAwait(false);
        return [.. HybridRanker.Rank(candidates, vector is not null, useKeyword: true, Options.Ranking, now, fact)
            .Where(hit => !hit.Item.IsExpiredAt(now))
            .Take(count)
            .Select(hit => hit.Item)];
    }

    private async Task MarkConsolidatedAsync(List<StoredMemory> episodes, CancellationToken cancellationToken)
    {
        foreach (var (episode, vector) in episodes)
        {
            var metadata = new Dictionary<string, object>(episode.Metadata, StringComparer.Ordinal) { [ConsolidatedMetadataKey] = true };
            try
            {
                // The update time stays: being consolidated does not make an episode fresh again (decay).
                _ = await PutCoreAsync([new MemoryPut(episode with { Metadata = metadata }, vector, episode.Version) { Reason = "consolidated" }], cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (MemoryConflictException)
            {
                // Changed meanwhile: it will be read again by the next consolidation.
            }
        }
    }

    private static async Task<string> AskAsync(IChatClient client, string prompt, string content, CancellationToken cancellationToken)
    {
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, prompt), new ChatMessage(ChatRole.User, content)], cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.Text;
    }

    /// <summary>The report being built.</summary>
    private sealed class ConsolidationWork
    {
        public List<MemoryItem> Added { get; } = [];

        public List<MemoryItem> Updated { get; } = [];

        public List<MemoryItem> Deleted { get; } = [];

        public List<string> Rejected { get; } = [];

        public int Unchanged { get; set; }

        public int Conflicts { get; set; }

        public ConsolidationReport ToReport(int episodes) => new(episodes, Added, Updated, Deleted, Unchanged, Rejected, Conflicts);
    }
}
