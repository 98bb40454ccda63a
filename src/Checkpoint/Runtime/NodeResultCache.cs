using System.Buffers;
using System.Security.Cryptography;
using Checkpoint.Channels;
using Checkpoint.Serialization;
using MessagePack;

namespace Checkpoint.Runtime;

/// <summary>
/// Node results in an <see cref="INodeCache"/> (<see cref="NodeOptions.Cache"/>): keyed by a hash of the node and its
/// input state, holding the task's channel writes and goto targets in an envelope (encrypted with the serializer's
/// key). An entry that no longer reads (the state type changed, bytes damaged) counts as a miss.
/// </summary>
internal sealed class NodeResultCache<TState>(INodeCache cache, StateSchema<TState> schema, CheckpointSerializer serializer)
    where TState : class, new()
{
    private static readonly BlobLocation Location = new(null, null, "node cache");

    /// <summary>
    /// The key of <paramref name="node"/> run on <paramref name="state"/> (and a Send's <paramref name="argument"/> bytes);
    /// a keyed hash when the serializer encrypts.
    /// </summary>
    public string Key(string node, TState state, byte[]? argument = null)
    {
        var input = serializer.ToPayload(state, Location);
        var hash = Convert.ToHexStringLower(SHA256.HashData(argument is null ? input : [.. input, .. argument]));
        return "checkpoint-node:" + serializer.MetadataIndexValue("node-cache", $"{node}:{hash}");
    }

    /// <summary>Fills <paramref name="outcome"/> from the entry at <paramref name="key"/>; false on a miss.</summary>
    public async Task<bool> TryLoadAsync(string key, TaskOutcome outcome, CancellationToken cancellationToken)
    {
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return false;
        }

        try
        {
            var payload = serializer.Unwrap(bytes, Location, Address(key)).Payload;
            var reader = new MessagePackReader(payload);
            _ = reader.ReadArrayHeader();
            var writes = new List<KeyValuePair<string, object?>>();
            for (var count = reader.ReadArrayHeader(); count > 0; count--)
            {
                _ = reader.ReadArrayHeader();
                var channel = schema[reader.ReadString()!];
                var value = serializer.FromPayload(channel.WriteType, reader.ReadBytes()!.Value.ToArray(), Location);
                writes.Add(new(channel.Name, value));
            }

            var targets = new List<string>();
            for (var count = reader.ReadArrayHeader(); count > 0; count--)
            {
                targets.Add(reader.ReadString()!);
            }

            (outcome.Writes, outcome.Goto) = (writes, targets);
            return true;
        }
        catch (Exception ex) when (ex is CheckpointDataException or MessagePackSerializationException or ArgumentException or KeyNotFoundException or EndOfStreamException)
        {
            return false; // unreadable: run the node and overwrite the entry
        }
    }

    /// <summary>Stores what <paramref name="outcome"/>'s node returned under <paramref name="key"/>.</summary>
    public ValueTask StoreAsync(string key, TaskOutcome outcome, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.WriteArrayHeader(outcome.Writes.Count);
        foreach (var (name, value) in outcome.Writes)
        {
            var channel = schema[name];
            writer.WriteArrayHeader(2);
            writer.Write(channel.Name);
            writer.Write(serializer.ToPayload(channel.WriteType, channel.NormalizeUpdate(value), Location));
        }

        writer.WriteArrayHeader(outcome.Goto.Count);
        foreach (var target in outcome.Goto)
        {
            writer.Write(target);
        }

        writer.Flush();
        return cache.SetAsync(key, serializer.Wrap(buffer.WrittenSpan, address: Address(key)), timeToLive, cancellationToken);
    }

    // Bound to its key, so an entry copied under another key does not open.
    private static BlobAddress Address(string key) => BlobAddress.Write("node-cache", "", Guid.Empty, key, 0, "result");
}
