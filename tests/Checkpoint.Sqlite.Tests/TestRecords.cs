using Checkpoint.Storage;

namespace Checkpoint.Sqlite.Tests;

/// <summary>Builds small checkpoints for the SQLite-specific tests.</summary>
internal static class TestRecords
{
    public static CheckpointRecord Checkpoint(string threadId, Guid? parentId, int step, Guid? blobId = null, string ns = "") =>
        new()
        {
            Id = CheckpointIds.NewId(),
            ThreadId = threadId,
            Namespace = ns,
            ParentId = parentId,
            Step = step,
            Source = CheckpointSource.Loop,
            CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(step),
            Channels = blobId is { } blob
                ? new Dictionary<string, ChannelValueRef>
                {
                    ["messages"] = new() { Version = step + 1, Layout = ChannelLayout.Chunks, Runs = [new BlobRun(blob, step + 1)] },
                }
                : new Dictionary<string, ChannelValueRef>(),
            Metadata = new Dictionary<string, string> { ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

    public static BlobChunk Chunk(Guid blobId, int sequence) =>
        new(blobId, sequence, [.. BitConverter.GetBytes(sequence), .. new byte[40]]);

    /// <summary>Puts <paramref name="count"/> checkpoints of one thread, each appending one chunk to one blob; returns the blob and the last id.</summary>
    public static async Task<(Guid Blob, Guid Last)> PutChainAsync(CheckpointSaver saver, string threadId, int count)
    {
        Guid? parent = null;
        var blob = Guid.NewGuid();
        for (var step = 0; step < count; step++)
        {
            var record = Checkpoint(threadId, parent, step, blob);
            await saver.PutAsync(record, [Chunk(blob, step)], PutMode.Continue);
            parent = record.Id;
        }

        return (blob, parent ?? Guid.Empty);
    }
}
