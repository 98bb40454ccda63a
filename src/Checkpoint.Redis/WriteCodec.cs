using System.Buffers;
using Checkpoint.Storage;
using MessagePack;

namespace Checkpoint.Redis;

/// <summary>Packs a pending write into one hash value (a MessagePack array) and back.</summary>
internal static class WriteCodec
{
    public static byte[] Encode(PendingWrite write)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + write.Value.Length);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.Write(write.TaskId);
        writer.Write(write.Node);
        writer.Write(write.Index);
        writer.Write(write.Channel);
        writer.Write(write.Value);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static PendingWrite Decode(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        _ = reader.ReadArrayHeader();
        var taskId = reader.ReadString() ?? "";
        var node = reader.ReadString() ?? "";
        var index = reader.ReadInt32();
        var channel = reader.ReadString() ?? "";
        var value = reader.ReadBytes()?.ToArray() ?? [];
        return new PendingWrite(taskId, node, index, channel, value);
    }
}
