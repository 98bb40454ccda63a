using System.Text.Json.Nodes;
using Checkpoint.Storage;

namespace Checkpoint.Cli.Decoding;

/// <summary>One channel of a checkpoint, decoded without the application's types.</summary>
/// <param name="Name">The channel (a state property).</param>
/// <param name="Layout">How its value is stored.</param>
/// <param name="Version">Its version at the checkpoint.</param>
/// <param name="Value">The value as a generic JSON tree.</param>
/// <param name="InlineBytes">Bytes of the value kept inside the checkpoint record (inline layout).</param>
/// <param name="Chunks">The stored chunks the value is read from, with their sizes.</param>
internal sealed record RawChannel(
    string Name, ChannelLayout Layout, long Version, JsonNode? Value, int InlineBytes, IReadOnlyList<StoredChunk> Chunks)
{
    /// <summary>Items of a list channel (chunk layout); null for other layouts.</summary>
    public int? Items => Layout == ChannelLayout.Chunks && Value is JsonArray array ? array.Count : null;

    /// <summary>What the value occupies: inline bytes plus every chunk it references (shared chunks included).</summary>
    public long Bytes => InlineBytes + Chunks.Sum(chunk => (long)chunk.Bytes);
}
