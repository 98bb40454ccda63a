using Checkpoint.Storage;

namespace Checkpoint.Redis.Tests;

/// <summary>Small builders for test checkpoints.</summary>
internal static class Records
{
    public static CheckpointRecord New(string thread, Guid? parent = null, string ns = "", int step = 0, Guid? blob = null, int end = 0) => new()
    {
        Id = CheckpointIds.NewId(),
        ThreadId = thread,
        Namespace = ns,
        ParentId = parent,
        Step = step,
        Source = CheckpointSource.Loop,
        CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(step),
        Channels = blob is { } id
            ? new Dictionary<string, ChannelValueRef>
            {
                ["messages"] = new() { Version = step + 1, Layout = ChannelLayout.Chunks, Runs = [new BlobRun(id, end)] },
            }
            : new Dictionary<string, ChannelValueRef>(),
        Metadata = new Dictionary<string, string> { ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    public static PendingWrite Write(string task, int index = 0) => new(task, "node", index, "messages", [1, 2, 3]);

    public static BlobChunk Chunk(Guid blob, int sequence) => new(blob, sequence, [(byte)sequence, 42]);
}
