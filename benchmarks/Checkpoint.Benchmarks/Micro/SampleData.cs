using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>Inputs shared by the micro-benchmarks (the W1 message text and a W1-shaped record).</summary>
public static class SampleData
{
    /// <summary><paramref name="count"/> messages of 200 characters (W1 text for steps 1…count).</summary>
    public static List<Message> Messages(int count) =>
        [.. Enumerable.Range(1, count).Select(step => new Message(step % 2 == 1 ? "assistant" : "tool", MessageText.For(step)))];

    /// <summary>A record shaped like a W1 checkpoint after <paramref name="step"/> steps.</summary>
    public static CheckpointRecord ChatRecord(string threadId, Guid id, Guid? parentId, int step, Guid messagesBlob) => new()
    {
        Id = id,
        ThreadId = threadId,
        ParentId = parentId,
        Step = step,
        Source = CheckpointSource.Loop,
        CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(step),
        Channels = new Dictionary<string, ChannelValueRef>
        {
            ["Messages"] = new() { Version = step + 1, Layout = ChannelLayout.Chunks, Runs = [new BlobRun(messagesBlob, step + 1)], Extendable = true },
            ["Step"] = new() { Version = step + 1, Layout = ChannelLayout.Inline, Inline = Serialization.CheckpointSerializer.Default.ToPayload(step + 1) },
        },
        VersionsSeen = new Dictionary<string, IReadOnlyDictionary<string, long>>
        {
            ["agent"] = new Dictionary<string, long> { ["Messages"] = step, ["Step"] = step },
            ["tool"] = new Dictionary<string, long> { ["Messages"] = step + 1, ["Step"] = step + 1 },
        },
        NextNodes = [step % 2 == 0 ? "agent" : "tool"],
        Metadata = new Dictionary<string, string> { ["source"] = "loop", ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };
}
