using Checkpoint.Channels;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// Writes blocks in the put, amortized: when an append makes an extendable blob's item count cross a
/// multiple of a quarter of <see cref="SerializerOptions.BlockItems"/>, the put stores, instead of the step's
/// small chunk, one block holding the items from the previous multiple of the block size to the new end,
/// built from the list the engine holds in memory (no read), and marked to replace the chunks of that range
/// (small chunks, and the unfinished block written at the previous quarter). Between quarters larger than
/// <see cref="TailItems"/> (LZ4's blocks of 128), crossing a multiple of <see cref="TailItems"/> stores a tail
/// block instead: the items from the last quarter to the new end.
/// </summary>
internal static class BlockPacker
{
    /// <summary>
    /// A block is also written, unfinished, at each quarter of its size (items from the block's start to the
    /// new end, replacing the one before): the tail of a list is then at most a quarter block of small chunks
    /// (one chunk per message compresses to 0.9 of its payload, a block to 0.3 with Deflate).
    /// </summary>
    public const int PartsPerBlock = 4;

    /// <summary>
    /// At most how many small chunks a list ends in: a read costs ~2 µs per chunk (row, envelope, MessagePack call),
    /// against ~0.1 µs per item inside a block, and a quarter of LZ4's 128-item blocks left up to 31.
    /// </summary>
    public const int TailItems = 16;

    /// <summary>
    /// The block to store for an append that extends <paramref name="last"/> (the list's last run, before
    /// the append) to <paramref name="newEnd"/>, or null when the append crosses no block boundary.
    /// </summary>
    /// <param name="serializer">Makes the block's bytes (its options give the block size).</param>
    /// <param name="channel">The append channel.</param>
    /// <param name="value">The whole new list (its last items are the blob's items up to <paramref name="newEnd"/>).</param>
    /// <param name="count">The number of items of <paramref name="value"/>.</param>
    /// <param name="last">The run the append extends.</param>
    /// <param name="newEnd">The blob's item count after the append.</param>
    /// <param name="location">Named in errors.</param>
    /// <param name="address">The stored address of a chunk of the blob, by sequence.</param>
    /// <param name="schemaVersion">The state type's version: the block is built from the items in memory, all of the current type.</param>
    public static BlobChunk? Pack(
        CheckpointSerializer serializer, Channel channel, object? value, int count, BlobRun last, int newEnd,
        BlobLocation location, Func<int, BlobAddress> address, ushort schemaVersion)
    {
        var size = serializer.Options.BlockItems;
        var quarter = Math.Max(1, size / PartsPerBlock);
        var part = Math.Min(quarter, TailItems);
        if (size <= 0 || newEnd / part * part <= last.End)
        {
            return null; // no multiple of a part in (end, newEnd]
        }

        // Past a quarter: the block from its start (replacing the unfinished one); otherwise a tail block from the last quarter.
        var start = newEnd / quarter * quarter > last.End ? last.End / size * size : last.End / quarter * quarter;

        // Every item of the block must be one this run contributes (the block is built from the list in memory). After a
        // compaction raised the run's start past the block's, the block starts at the run's first quarter instead (its
        // first items may also sit in a block written before the compaction, which older checkpoints read; readers skip
        // the overlap); with no block at all the messages of a compacted chat stayed one chunk each.
        if (start < last.Start)
        {
            start = (last.Start + quarter - 1) / quarter * quarter;
        }

        var from = count - (newEnd - start);
        if (start >= newEnd - 1 || from < 0)
        {
            return null;
        }

        var items = channel.ItemsFrom(value, from);
        var payload = serializer.ToPayload(items.GetType(), items, location);
        return new BlobChunk(last.BlobId, start, serializer.WrapBlock(payload, schemaVersion, location, address(start))) { ReplacesUntil = newEnd };
    }
}
