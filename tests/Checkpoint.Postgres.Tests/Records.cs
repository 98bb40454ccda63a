using Checkpoint.Storage;

namespace Checkpoint.Postgres.Tests;

/// <summary>Builders of checkpoints, chunks and writes for the tests.</summary>
internal static class Records
{
    public static CheckpointRecord Checkpoint(string threadId, Guid? parentId, int step, string checkpointNamespace = "", params BlobRun[] runs) => new()
    {
        Id = CheckpointIds.NewId(),
        ThreadId = threadId,
        Namespace = checkpointNamespace,
        ParentId = parentId,
        Step = step,
        Source = CheckpointSource.Loop,
        CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(step),
        Channels = runs.Length == 0
            ? new Dictionary<string, ChannelValueRef> { ["counter"] = new() { Version = step + 2, Inline = [(byte)(step & 0xFF)] } }
            : new Dictionary<string, ChannelValueRef> { ["items"] = new() { Version = step + 2, Layout = ChannelLayout.Chunks, Runs = runs } },
        Metadata = new Dictionary<string, string> { ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    public static BlobChunk Chunk(Guid blobId, int sequence) => new(blobId, sequence, [1, 2, 3, (byte)sequence]);

    public static PendingWrite Write(string taskId, int index) => new(taskId, "node", index, "channel", [9, (byte)index]);
}
