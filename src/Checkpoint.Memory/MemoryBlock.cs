using System.Text;

namespace Checkpoint.Memory;

/// <summary>
/// The memory part of a prompt, loaded at the start of a turn: the <see cref="MemoryBlockRequest.TopK"/>
/// memories most relevant to the query, then the subject's long-term facts, as bullet lines with their keys:
/// <code>
/// Relevant memories:
/// - [lang] Prefers Python over JavaScript.
/// Known facts:
/// - [tz] Lives in Berlin (UTC+1).
/// </code>
/// A section without lines is left out; <see cref="Text"/> is empty when nothing was found.
/// </summary>
/// <param name="Text">The block, ready to put in a prompt.</param>
/// <param name="Relevant">The relevant memories, best first.</param>
/// <param name="Facts">The long-term facts, newest first.</param>
public sealed record MemoryBlock(string Text, IReadOnlyList<MemoryHit> Relevant, IReadOnlyList<MemoryItem> Facts)
{
    /// <summary>Searches <paramref name="store"/> for the block described by <paramref name="request"/>.</summary>
    public static async Task<MemoryBlock> BuildAsync(MemoryStore store, MemoryBlockRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<MemoryHit> relevant = [];
        if (!string.IsNullOrWhiteSpace(request.Query) && request.TopK > 0)
        {
            relevant = await store.SearchAsync(
                new MemorySearch { NamespacePrefix = request.Namespace, Query = request.Query, SubjectId = request.SubjectId, Limit = request.TopK },
                cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<MemoryItem> facts = [];
        if (request.MaxFacts > 0)
        {
            var shown = relevant.Select(hit => new MemoryKey(hit.Item.Namespace, hit.Item.Key)).ToHashSet();
            var found = await store.SearchAsync(
                new MemorySearch
                {
                    NamespacePrefix = request.Namespace,
                    Kinds = [MemoryKind.LongTerm],
                    SubjectId = request.SubjectId,
                    Limit = Math.Min(MemoryStore.MaxSearchLimit, request.MaxFacts + shown.Count),
                },
                cancellationToken).ConfigureAwait(false);
            facts = found.Select(hit => hit.Item).Where(item => !shown.Contains(new MemoryKey(item.Namespace, item.Key))).Take(request.MaxFacts).ToList();
        }

        var text = new StringBuilder();
        Section(text, "Relevant memories:", relevant.Select(hit => hit.Item));
        Section(text, "Known facts:", facts);
        return new MemoryBlock(text.ToString().TrimEnd(), relevant, facts);
    }

    /// <summary>The block's text.</summary>
    public override string ToString() => Text;

    private static void Section(StringBuilder text, string title, IEnumerable<MemoryItem> items)
    {
        var lines = items.Select(item => $"- [{item.Key}] {OneLine(item.Content)}").ToList();
        if (lines.Count > 0)
        {
            text.AppendLine(title);
            lines.ForEach(line => text.AppendLine(line));
        }
    }

    private static string OneLine(string content) => string.Join(' ', content.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
