using Checkpoint.Channels;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>Turns a task's channel writes into pending writes and back, and reads control writes.</summary>
internal sealed class WriteCodec<TState>(StateSchema<TState> schema, CheckpointSerializer serializer)
    where TState : class, new()
{
    public List<PendingWrite> Encode(string taskId, string node, IReadOnlyList<KeyValuePair<string, object?>> writes)
    {
        if (writes.Count == 0)
        {
            return [new PendingWrite(taskId, node, 0, SpecialChannels.NoWrites, [])];
        }

        var encoded = new List<PendingWrite>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            var channel = schema[writes[i].Key];
            var value = channel.NormalizeUpdate(writes[i].Value);
            encoded.Add(new PendingWrite(taskId, node, i, channel.Name, serializer.Serialize(channel.WriteType, value, location: new(null, null, channel.Name))));
        }

        return encoded;
    }

    public KeyValuePair<string, object?> Decode(PendingWrite write, BlobLocation location)
    {
        var channel = schema[write.Channel];
        return new(channel.Name, serializer.Deserialize(channel.WriteType, write.Value, location with { Channel = channel.Name }));
    }

    public PendingWrite Error(string taskId, string node, Exception error) =>
        new(taskId, node, 0, SpecialChannels.Error, serializer.Serialize($"{error.GetType().Name}: {error.Message}"));

    public PendingWrite Interrupt(string taskId, string node, NodeInterruptSignal signal) =>
        new(taskId, node, signal.Index, SpecialChannels.Interrupt,
            serializer.Serialize(signal.Value?.GetType() ?? typeof(object), signal.Value, location: new(null, null, SpecialChannels.Interrupt)));

    public PendingWrite Resume(string taskId, string node, int index, object? value) =>
        new(taskId, node, index, SpecialChannels.Resume,
            serializer.Serialize(value?.GetType() ?? typeof(object), value, location: new(null, null, SpecialChannels.Resume)));

    public string ReadError(PendingWrite write, BlobLocation location) => serializer.Deserialize<string>(write.Value, location);

    /// <summary>True when the task's writes are saved, so it must not run again.</summary>
    public static bool IsCompleted(IEnumerable<PendingWrite> taskWrites) =>
        taskWrites.Any(w => w.Channel == SpecialChannels.NoWrites || !SpecialChannels.IsSpecial(w.Channel));

    /// <summary>Interrupts of the writes that have no resume value yet.</summary>
    public static IEnumerable<PendingWrite> OpenInterrupts(IReadOnlyList<PendingWrite> writes) =>
        writes.Where(w => w.Channel == SpecialChannels.Interrupt
            && !writes.Any(r => r.Channel == SpecialChannels.Resume && r.TaskId == w.TaskId && r.Index == w.Index));
}
