using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// The JSON form of one line of <c>history.jsonl</c>. Null fields are left out, so an erasure marker is
/// <c>{"Id":9,"Kind":"Erased","At":…}</c>. Builds before the change feed wrote no <c>Id</c> (read as 0) and skip
/// a marker (no namespace), so both builds can read what the other wrote.
/// </summary>
internal sealed record HistoryLine(
    long? Id, string? Ns, string? Key, long? Version, string? Kind, DateTimeOffset At, string? Old, string? New, string[][]? Sources, string? Reason, string? Subject)
{
    /// <summary>The kind written on an erasure marker.</summary>
    public const string ErasedKind = "Erased";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The line of <paramref name="entry"/>, without its newline.</summary>
    public static string Format(HistoryEntry entry)
    {
        var line = entry.Change is not { } change
            ? new HistoryLine(entry.Id, null, null, null, ErasedKind, entry.At, null, null, null, null, null)
            : new HistoryLine(
                entry.Id, change.Namespace.ToString(), change.Key, change.Version, change.Kind.ToString(), change.At, change.OldContent, change.NewContent,
                change.Sources.Count == 0 ? null : [.. change.Sources.Select(source => new[] { source.Namespace.ToString(), source.Key })],
                change.Reason, change.SubjectId);
        return JsonSerializer.Serialize(line, Json);
    }

    /// <summary>The entry of one line; null for a blank line, a line cut short by a crash, or one edited into something else.</summary>
    public static HistoryEntry? Parse(ReadOnlySpan<byte> line)
    {
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<HistoryLine>(line, Json)?.ToEntry();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }

    private HistoryEntry ToEntry()
    {
        if (Kind == ErasedKind && Ns is null)
        {
            return new HistoryEntry(Id ?? 0, null, At);
        }

        var change = new MemoryChange
        {
            Namespace = MemoryNamespace.Parse(Ns!),
            Key = Key ?? throw new ArgumentException("a history line without a key"),
            Version = Version ?? 0,
            Kind = Enum.Parse<MemoryChangeKind>(Kind ?? ""),
            At = At,
            OldContent = Old,
            NewContent = New,
            Sources = Sources is null ? [] : [.. Sources.Where(pair => pair.Length == 2).Select(pair => new MemoryKey(MemoryNamespace.Parse(pair[0]), pair[1]))],
            Reason = Reason,
            SubjectId = Subject,
        };
        return new HistoryEntry(Id ?? 0, change, At);
    }
}
