namespace Checkpoint.Memory.Markdown;

/// <summary>What one write does to one file: items to put (by key) and keys to remove (null).</summary>
/// <param name="Folder">The namespace folder of the file.</param>
/// <param name="Path">The file.</param>
/// <param name="Kind">Which file it is.</param>
/// <param name="Date">The day of a daily log.</param>
internal sealed record FileChange(NamespaceFolder Folder, string Path, MemoryFileKind Kind, DateOnly? Date)
{
    /// <summary>The new item of each key, or null to remove the key from this file.</summary>
    public Dictionary<string, MemoryItem?> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>The new text of the file; null when it holds nothing any more and is deleted.</summary>
    public string? Render()
    {
        var existing = Folder.Files.GetValueOrDefault(Path);
        if (Kind == MemoryFileKind.Soul)
        {
            return Items.Values.LastOrDefault(item => item is not null) is { } soul ? ItemRendering.Soul(soul) : null;
        }

        var parts = new List<IEnumerable<string>>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        var bullets = 0;
        var blocks = existing?.Blocks ?? [new TextBlock(Header())];
        foreach (var block in blocks)
        {
            if (block is TextBlock text)
            {
                parts.Add(text.Lines);
                continue;
            }

            // Every bullet is written from its item, so a person's bullets get their tags (and keep their keys from then on).
            var key = Folder.KeyOf[(BulletBlock)block];
            var item = Items.TryGetValue(key, out var changed) ? changed : Folder.Items[key].Item;
            _ = written.Add(key);
            if (item is not null)
            {
                parts.Add(ItemRendering.Bullet(item));
                bullets++;
            }
        }

        foreach (var (key, item) in Items)
        {
            if (item is not null && !written.Contains(key))
            {
                parts.Add(ItemRendering.Bullet(item));
                bullets++;
            }
        }

        var onlyHeader = blocks.OfType<TextBlock>().SelectMany(t => t.Lines).All(line => line.Trim().Length == 0 || Header().Contains(line));
        return bullets == 0 && onlyHeader ? null : BulletList.Join(parts);
    }

    private string[] Header() => [Kind == MemoryFileKind.Log ? $"# {Date:yyyy-MM-dd}" : "# Memory", ""];
}
