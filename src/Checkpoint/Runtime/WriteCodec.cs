using Checkpoint.Channels;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// Turns a task's channel writes into pending writes and back, and reads control writes. Every
/// write belongs to the checkpoint it is saved against (<c>at</c>): its thread, namespace and id,
/// with the task id, index and channel, are the write's <see cref="BlobAddress"/>.
/// </summary>
internal sealed class WriteCodec<TState>(StateSchema<TState> schema, CheckpointSerializer serializer)
    where TState : class, new()
{
    /// <summary>The task's saved writes: its channel writes (or the no-writes marker) and, when it routed, its goto targets last.</summary>
    public List<PendingWrite> Encode(CheckpointRecord at, TaskOutcome outcome)
    {
        var (taskId, node, writes) = (outcome.TaskId, outcome.Node, outcome.Writes);
        var encoded = new List<PendingWrite>(writes.Count + 1);
        if (writes.Count == 0)
        {
            encoded.Add(new PendingWrite(taskId, node, 0, SpecialChannels.NoWrites, []));
        }

        for (var i = 0; i < writes.Count; i++)
        {
            var channel = schema[writes[i].Key];
            var value = channel.NormalizeUpdate(writes[i].Value);
            encoded.Add(new PendingWrite(taskId, node, i, channel.Name, serializer.Serialize(channel.WriteType, value, schema.Version, Location(at, channel.Name), Address(at, taskId, i, channel.Name))));
        }

        if (outcome.Goto.Count > 0)
        {
            var index = encoded.Count;
            encoded.Add(new PendingWrite(taskId, node, index, SpecialChannels.Goto,
                serializer.Serialize(outcome.Goto.ToArray(), location: Location(at, SpecialChannels.Goto), address: Address(at, taskId, index, SpecialChannels.Goto))));
        }

        return encoded;
    }

    /// <summary>Fills <paramref name="outcome"/> from the task's saved writes (channel writes and goto targets).</summary>
    public void Decode(CheckpointRecord at, TaskOutcome outcome, IReadOnlyList<PendingWrite> taskWrites)
    {
        outcome.Writes = taskWrites.Where(w => !SpecialChannels.IsSpecial(w.Channel)).Select(w => Decode(at, w)).ToList();
        outcome.Goto = taskWrites.Where(w => w.Channel == SpecialChannels.Goto)
            .SelectMany(w => serializer.Deserialize<string[]>(w.Value, Location(at, w), Address(at, w))).ToList();
    }

    public KeyValuePair<string, object?> Decode(CheckpointRecord at, PendingWrite write)
    {
        // A write saved under a former name of the channel (FormerNameAttribute) goes to the channel.
        var channel = schema.Find(write.Channel) ?? schema[write.Channel];
        var location = Location(at, write);
        var (payload, schemaVersion) = serializer.Unwrap(write.Value, location, Address(at, write));
        return new(channel.Name, schema.Migrator.Read(
            serializer, channel.WriteType, payload, schemaVersion, channel.Name, items: channel.Kind == ReducerKind.Append, location));
    }

    public PendingWrite Error(CheckpointRecord at, string taskId, string node, Exception error, int attempts = 1) =>
        new(taskId, node, 0, SpecialChannels.Error,
            serializer.Serialize(
                $"{error.GetType().Name}: {error.Message}" + (attempts > 1 ? $" (after {attempts} attempts)" : ""),
                location: Location(at, SpecialChannels.Error), address: Address(at, taskId, 0, SpecialChannels.Error)));

    public PendingWrite Interrupt(CheckpointRecord at, string taskId, string node, NodeInterruptSignal signal) =>
        new(taskId, node, signal.Index, SpecialChannels.Interrupt, signal.Payload is { } payload
            ? serializer.Wrap(payload, location: Location(at, SpecialChannels.Interrupt), address: Address(at, taskId, signal.Index, SpecialChannels.Interrupt))
            : serializer.Serialize(signal.Value?.GetType() ?? typeof(object), signal.Value, location: Location(at, SpecialChannels.Interrupt), address: Address(at, taskId, signal.Index, SpecialChannels.Interrupt)));

    public PendingWrite Resume(CheckpointRecord at, string taskId, string node, int index, object? value) =>
        new(taskId, node, index, SpecialChannels.Resume,
            serializer.Serialize(value?.GetType() ?? typeof(object), value, location: Location(at, SpecialChannels.Resume), address: Address(at, taskId, index, SpecialChannels.Resume)));

    public string ReadError(CheckpointRecord at, PendingWrite write) => serializer.Deserialize<string>(write.Value, Location(at, write), Address(at, write));

    /// <summary>The MessagePack bytes of an interrupt or resume write's value (decrypted, without envelope).</summary>
    public byte[] Payload(CheckpointRecord at, PendingWrite write) =>
        write.Value.Length == 0 ? [] : serializer.Unwrap(write.Value, Location(at, write), Address(at, write)).Payload;

    /// <summary>The interrupt a dynamic-interrupt write stands for, with its value's MessagePack bytes.</summary>
    public Interrupt ToInterrupt(CheckpointRecord at, PendingWrite write) =>
        new(InterruptIds.Dynamic(write.TaskId, write.Index), write.Node, InterruptKind.Dynamic, Payload(at, write)) { Location = Location(at, write), Reader = serializer };

    /// <summary>True when the task's writes are saved, so it must not run again.</summary>
    public static bool IsCompleted(IEnumerable<PendingWrite> taskWrites) =>
        taskWrites.Any(w => w.Channel == SpecialChannels.NoWrites || !SpecialChannels.IsSpecial(w.Channel));

    private static BlobAddress Address(CheckpointRecord at, string taskId, int index, string channel) =>
        BlobAddress.Write(at.ThreadId, at.Namespace, at.Id, taskId, index, channel);

    private static BlobAddress Address(CheckpointRecord at, PendingWrite write) => Address(at, write.TaskId, write.Index, write.Channel);

    private static BlobLocation Location(CheckpointRecord at, PendingWrite write) => Location(at, write.Channel);

    private static BlobLocation Location(CheckpointRecord at, string channel) => new(at.ThreadId, at.Id, channel);
}
