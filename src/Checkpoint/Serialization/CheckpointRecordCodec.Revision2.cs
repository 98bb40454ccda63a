using System.Buffers;
using System.Buffers.Binary;
using Checkpoint.Storage;
using MessagePack;

namespace Checkpoint.Serialization;

public static partial class CheckpointRecordCodec
{
    private const int Revision2FieldCount = 10;

    // A record with Sends has one more field, after the body revision, so older readers skip it.
    private const int Revision2WithSendsFieldCount = 11;

    /// <summary>
    /// [names, step, source, created-at offset, channels, versions seen, next nodes, interrupts, metadata, 2, sends?]:
    /// names are written once in a table and referred to by index (a W1 record names each channel three
    /// times); channels are [name, version, layout, inline, runs, extendable, schema version?] arrays; versions seen are
    /// [node, [channel, version, …]] arrays; the created-at offset is in ticks from the id's millisecond;
    /// sends, only when there are any, are [node, argument bytes] arrays.
    /// </summary>
    private static void WriteRevision2(ref MessagePackWriter writer, CheckpointRecord record)
    {
        var names = NameTable.Of(record);
        writer.WriteArrayHeader(record.Sends.Count > 0 ? Revision2WithSendsFieldCount : Revision2FieldCount);
        writer.WriteArrayHeader(names.Count);
        foreach (var name in names.Names)
        {
            writer.Write(name);
        }

        writer.Write(record.Step);
        writer.Write((byte)record.Source);
        writer.Write(record.CreatedAt.UtcTicks - IdTicks(record.Id));
        writer.WriteArrayHeader(record.Channels.Count);
        foreach (var (name, channel) in record.Channels)
        {
            // The schema version of an inline value is a seventh field, written only when set (older readers skip it).
            writer.WriteArrayHeader(channel.SchemaVersion == 0 ? 6 : 7);
            writer.Write(names[name]);
            WriteChannelValue(ref writer, channel);
            if (channel.SchemaVersion != 0)
            {
                writer.Write(channel.SchemaVersion);
            }
        }

        writer.WriteArrayHeader(record.VersionsSeen.Count);
        foreach (var (node, versions) in record.VersionsSeen)
        {
            writer.WriteArrayHeader(2);
            writer.Write(names[node]);
            writer.WriteArrayHeader(versions.Count * 2);
            foreach (var (channel, version) in versions)
            {
                writer.Write(names[channel]);
                writer.Write(version);
            }
        }

        writer.WriteArrayHeader(record.NextNodes.Count);
        foreach (var node in record.NextNodes)
        {
            writer.Write(names[node]);
        }

        WriteInterrupts(ref writer, record.Interrupts);
        WriteMetadata(ref writer, record.Metadata);
        writer.Write(2); // body format revision
        if (record.Sends.Count > 0)
        {
            writer.WriteArrayHeader(record.Sends.Count);
            foreach (var send in record.Sends)
            {
                writer.WriteArrayHeader(2);
                writer.Write(names[send.Node]);
                writer.Write(send.Argument);
            }
        }
    }

    private static CheckpointRecord ReadRevision2(
        ref MessagePackReader reader, int count, Guid id, string threadId, string checkpointNamespace, Guid? parentId, BlobLocation location)
    {
        if (count < Revision2FieldCount)
        {
            throw new CorruptCheckpointException(location, $"checkpoint body has {count} fields, expected {Revision2FieldCount}.");
        }

        var names = ReadStrings(ref reader);
        string Name(ref MessagePackReader r)
        {
            var index = r.ReadInt32();
            return index >= 0 && index < names.Length ? names[index] : throw new InvalidOperationException($"name index {index} is not in the table.");
        }

        var step = reader.ReadInt32();
        var source = (CheckpointSource)reader.ReadByte();
        var ticks = reader.ReadInt64() + IdTicks(id);
        var createdAt = ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : throw new CorruptCheckpointException(location, $"created-at ticks {ticks} are outside the DateTime range.");

        var channelCount = reader.ReadArrayHeader();
        var channels = new Dictionary<string, ChannelValueRef>(channelCount, StringComparer.Ordinal);
        for (var i = 0; i < channelCount; i++)
        {
            var fields = reader.ReadArrayHeader();
            var name = Name(ref reader);
            channels[name] = ReadChannelValue(ref reader, withExtendable: true);
            if (fields > 6)
            {
                channels[name] = channels[name] with { SchemaVersion = reader.ReadUInt16() };
            }

            for (var rest = 7; rest < fields; rest++)
            {
                reader.Skip();
            }

        }

        var nodeCount = reader.ReadArrayHeader();
        var seen = new Dictionary<string, IReadOnlyDictionary<string, long>>(nodeCount, StringComparer.Ordinal);
        for (var i = 0; i < nodeCount; i++)
        {
            _ = reader.ReadArrayHeader();
            var node = Name(ref reader);
            var pairs = reader.ReadArrayHeader() / 2;
            var versions = new Dictionary<string, long>(pairs, StringComparer.Ordinal);
            for (var p = 0; p < pairs; p++)
            {
                versions[Name(ref reader)] = reader.ReadInt64();
            }

            seen[node] = versions;
        }

        var next = new string[reader.ReadArrayHeader()];
        for (var i = 0; i < next.Length; i++)
        {
            next[i] = Name(ref reader);
        }

        var record = new CheckpointRecord
        {
            Id = id,
            ThreadId = threadId,
            Namespace = checkpointNamespace,
            ParentId = parentId,
            Step = step,
            Source = source,
            CreatedAt = createdAt,
            Channels = channels,
            VersionsSeen = seen,
            NextNodes = next,
            Interrupts = ReadInterrupts(ref reader),
            Metadata = ReadMetadata(ref reader),
        };
        reader.Skip(); // the body revision
        if (count >= Revision2WithSendsFieldCount)
        {
            var sends = new SendRecord[reader.ReadArrayHeader()];
            for (var i = 0; i < sends.Length; i++)
            {
                _ = reader.ReadArrayHeader();
                var node = Name(ref reader);
                sends[i] = new SendRecord(node, reader.ReadBytes()?.ToArray() ?? []);
            }

            record = record with { Sends = sends };
        }

        for (var rest = Revision2WithSendsFieldCount; rest < count; rest++)
        {
            reader.Skip(); // the fields a later revision adds
        }

        return reader.End ? record : throw new CorruptCheckpointException(location, "bytes follow the checkpoint body.");
    }

    /// <summary>The UTC ticks of the millisecond in a UUIDv7 id (its first 48 bits); any other id gives some value, used on both sides alike.</summary>
    private static long IdTicks(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        _ = id.TryWriteBytes(bytes, bigEndian: true, out _);
        var milliseconds = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
        return DateTime.UnixEpoch.Ticks + (milliseconds * TimeSpan.TicksPerMillisecond);
    }
}
