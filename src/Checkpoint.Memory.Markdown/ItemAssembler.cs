using System.Security.Cryptography;
using System.Text;

namespace Checkpoint.Memory.Markdown;

/// <summary>
/// Turns the bullets of a namespace's files into items. A tagged bullet is its tag's item; if its
/// visible text no longer has the tag's hash, a person edited it: the text becomes the content, the
/// version goes up by one and the update time is the file's last-write time. A bullet without a tag
/// (or a second bullet claiming a key already read) is a new item written by a person: key
/// <c>md-</c> + the first 12 hex digits of the SHA-256 of its trimmed text (<c>-2</c>, <c>-3</c>… for
/// repeats), version 1, every time the file's last-write time, kind episodic in a daily log and
/// long-term elsewhere, importance 0.5. Files are read soul first, then <c>MEMORY.md</c>, then logs by date.
/// </summary>
internal static class ItemAssembler
{
    /// <summary>The prefix of keys made for bullets a person wrote.</summary>
    public const string DerivedKeyPrefix = "md-";

    /// <summary>The items of <paramref name="files"/>, by key.</summary>
    public static Dictionary<string, LocatedItem> Assemble(MemoryNamespace memoryNamespace, IEnumerable<MarkdownFile> files, string soulKey)
    {
        var items = new Dictionary<string, LocatedItem>(StringComparer.Ordinal);
        var untagged = new List<(MarkdownFile File, BulletBlock Block)>();
        foreach (var file in files.OrderBy(f => f.Order))
        {
            foreach (var block in file.Blocks.OfType<BulletBlock>())
            {
                var key = file.Kind == MemoryFileKind.Soul ? soulKey : block.Tag?.Key;
                var item = key is null || items.ContainsKey(key) ? null : FromTag(memoryNamespace, key, file, block);
                if (item is null && file.Kind == MemoryFileKind.Soul && !items.ContainsKey(soulKey))
                {
                    item = Written(memoryNamespace, soulKey, file, block.Text.Trim());
                }

                if (item is null)
                {
                    untagged.Add((file, block));
                }
                else
                {
                    items[item.Key] = new LocatedItem(file, block, item);
                }
            }
        }

        // Tagged keys first, so a made-up key never takes a key a tag claims in a later file.
        foreach (var (file, block) in untagged)
        {
            var text = block.Text.Trim();
            var key = DerivedKey(text, items);
            items[key] = new LocatedItem(file, block, Written(memoryNamespace, key, file, text));
        }

        return items;
    }

    private static MemoryItem? FromTag(MemoryNamespace memoryNamespace, string key, MarkdownFile file, BulletBlock block)
    {
        if (block.Tag is not { } tag || HiddenFields.TryDecode(tag.Fields, memoryNamespace, key, tag.Version) is not var (item, exact))
        {
            return null;
        }

        var edited = BulletTag.HashOf(block.Text) != tag.TextHash;
        return edited
            ? item with { Content = block.Text, Version = tag.Version + 1, UpdatedAt = FileTime(file) }
            : item with { Content = exact ?? block.Text };
    }

    private static MemoryItem Written(MemoryNamespace memoryNamespace, string key, MarkdownFile file, string text)
    {
        var time = FileTime(file);
        return new MemoryItem
        {
            Namespace = memoryNamespace,
            Key = key,
            Kind = file.Kind == MemoryFileKind.Log ? MemoryKind.Episodic : MemoryKind.LongTerm,
            Content = text,
            CreatedAt = time,
            UpdatedAt = time,
            LastAccessedAt = time,
            Importance = 0.5,
            Version = 1,
        };
    }

    private static string DerivedKey(string text, Dictionary<string, LocatedItem> taken)
    {
        var key = DerivedKeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
        if (!taken.ContainsKey(key))
        {
            return key;
        }

        for (var n = 2; ; n++)
        {
            var numbered = $"{key}-{n}";
            if (!taken.ContainsKey(numbered))
            {
                return numbered;
            }
        }
    }

    private static DateTimeOffset FileTime(MarkdownFile file) => new(DateTime.SpecifyKind(file.Stamp.LastWriteUtc, DateTimeKind.Utc));
}
