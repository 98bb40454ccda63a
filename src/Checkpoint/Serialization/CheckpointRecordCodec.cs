using System.Buffers;
using Checkpoint.Storage;
using MessagePack;

namespace Checkpoint.Serialization;

/// <summary>
/// Encodes a <see cref="CheckpointRecord"/> for savers: a compact MessagePack array inside an
/// <see cref="Envelope"/>. The identity fields (id, thread, namespace, parent) are not in the body:
/// every saver keeps them in its own indexed columns or keys and passes them back to
/// <see cref="Decode"/>.
/// <para>
/// Revision 2 (written since blocks) starts with a table of the names the body uses (channels, nodes)
/// and refers to each by its index, and stores the created-at time as its offset in ticks from the
/// millisecond of the UUIDv7 id (a few bytes instead of nine). Revision 1 bodies are still read.
/// </para>
/// </summary>
public static partial class CheckpointRecordCodec
{
    private const int FieldCount = 9;

    /// <summary>The enveloped body of a record.</summary>
    public static byte[] Encode(CheckpointRecord record, CheckpointSerializer? serializer = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        WriteRevision2(ref writer, record);
        writer.Flush();
        return (serializer ?? CheckpointSerializer.Default).WrapRecord(
            buffer.WrittenSpan,
            new BlobLocation(record.ThreadId, record.Id, "checkpoint"),
            BlobAddress.Record(record.ThreadId, record.Namespace, record.Id));
    }

    /// <summary>
    /// The body of a copy of the record stored as <paramref name="body"/> (at <paramref name="id"/> in
    /// <paramref name="threadId"/>) under <paramref name="newId"/> in <paramref name="targetThreadId"/>: a body stores its
    /// creation time relative to its id, so a byte-for-byte copy under a new id would move that time.
    /// </summary>
    public static byte[] Rebase(
        ReadOnlySpan<byte> body, Guid id, string threadId, string checkpointNamespace, Guid newId, string targetThreadId,
        CheckpointSerializer? serializer = null)
    {
        var record = Decode(body, id, threadId, checkpointNamespace, parentId: null, serializer);
        return Encode(record with { Id = newId, ThreadId = targetThreadId }, serializer);
    }

    /// <summary>Reads a body written by <see cref="Encode"/> back into a record with the given identity.</summary>
    public static CheckpointRecord Decode(
        ReadOnlySpan<byte> body, Guid id, string threadId, string checkpointNamespace, Guid? parentId,
        CheckpointSerializer? serializer = null)
    {
        var location = new BlobLocation(threadId, id, "checkpoint");
        serializer ??= CheckpointSerializer.Default;
        var (payload, _) = serializer.Unwrap(body, location, BlobAddress.Record(threadId, checkpointNamespace, id));

        // Not walked by PayloadScanner: the runs array header counts runs, each written as two
        // values, so a body is not a plain MessagePack document. MessagePack's reader checks counts
        // and lengths below 2^31 against the bytes left; larger ones come back negative and fail
        // in an allocation or a span (ArgumentException, OverflowException), caught below.
        try
        {
            var reader = new MessagePackReader(payload);
            var count = reader.ReadArrayHeader();
            if (count > 0 && reader.NextMessagePackType == MessagePackType.Array)
            {
                return ReadRevision2(ref reader, count, id, threadId, checkpointNamespace, parentId, location);
            }

            if (count < FieldCount)
            {
                throw new CorruptCheckpointException(location, $"checkpoint body has {count} fields, expected {FieldCount}.");
            }

            var record = new CheckpointRecord
            {
                Id = id,
                ThreadId = threadId,
                Namespace = checkpointNamespace,
                ParentId = parentId,
                Step = reader.ReadInt32(),
                Source = (CheckpointSource)reader.ReadByte(),
                CreatedAt = ReadCreatedAt(ref reader, location),
                Channels = ReadChannels(ref reader),
                VersionsSeen = ReadVersionsSeen(ref reader),
                NextNodes = ReadStrings(ref reader),
                Interrupts = ReadInterrupts(ref reader),
                Metadata = ReadMetadata(ref reader),
            };
            for (var rest = FieldCount - 1; rest < count; rest++)
            {
                reader.Skip(); // the body revision, and the fields a later revision adds
            }

            return reader.End ? record : throw new CorruptCheckpointException(location, "bytes follow the checkpoint body.");
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or InvalidOperationException
            or OverflowException or ArgumentException)
        {
            throw new CorruptCheckpointException(location, $"cannot decode the checkpoint body: {ex.Message}", ex);
        }
    }

    private static DateTimeOffset ReadCreatedAt(ref MessagePackReader reader, BlobLocation location)
    {
        var ticks = reader.ReadInt64();
        return ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : throw new CorruptCheckpointException(location, $"created-at ticks {ticks} are outside the DateTime range.");
    }

    private static Dictionary<string, ChannelValueRef> ReadChannels(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        var channels = new Dictionary<string, ChannelValueRef>(count);
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(ref reader);
            var fields = reader.ReadArrayHeader();
            channels[name] = ReadChannelValue(ref reader, withExtendable: fields > 4);
        }

        return channels;
    }

    private static Dictionary<string, IReadOnlyDictionary<string, long>> ReadVersionsSeen(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        var seen = new Dictionary<string, IReadOnlyDictionary<string, long>>(count);
        for (var i = 0; i < count; i++)
        {
            var node = ReadString(ref reader);
            var channelCount = reader.ReadMapHeader();
            var versions = new Dictionary<string, long>(channelCount);
            for (var c = 0; c < channelCount; c++)
            {
                versions[ReadString(ref reader)] = reader.ReadInt64();
            }

            seen[node] = versions;
        }

        return seen;
    }

    private static void WriteStrings(ref MessagePackWriter writer, IReadOnlyList<string> values)
    {
        writer.WriteArrayHeader(values.Count);
        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static string[] ReadStrings(ref MessagePackReader reader)
    {
        var values = new string[reader.ReadArrayHeader()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ReadString(ref reader);
        }

        return values;
    }

    private static void WriteInterrupts(ref MessagePackWriter writer, IReadOnlyList<InterruptRecord> interrupts)
    {
        writer.WriteArrayHeader(interrupts.Count);
        foreach (var interrupt in interrupts)
        {
            writer.WriteArrayHeader(4);
            writer.Write(interrupt.Id);
            writer.Write(interrupt.Node);
            writer.Write(interrupt.TaskId);
            writer.Write(interrupt.Value);
        }
    }

    private static InterruptRecord[] ReadInterrupts(ref MessagePackReader reader)
    {
        var interrupts = new InterruptRecord[reader.ReadArrayHeader()];
        for (var i = 0; i < interrupts.Length; i++)
        {
            _ = reader.ReadArrayHeader();
            interrupts[i] = new InterruptRecord(
                ReadString(ref reader), ReadString(ref reader), ReadString(ref reader), reader.ReadBytes()?.ToArray() ?? []);
        }

        return interrupts;
    }

    private static void WriteMetadata(ref MessagePackWriter writer, IReadOnlyDictionary<string, string> metadata)
    {
        writer.WriteMapHeader(metadata.Count);
        foreach (var (key, value) in metadata)
        {
            writer.Write(key);
            writer.Write(value);
        }
    }

    private static Dictionary<string, string> ReadMetadata(ref MessagePackReader reader)
    {
        var count = reader.ReadMapHeader();
        var metadata = new Dictionary<string, string>(count);
        for (var i = 0; i < count; i++)
        {
            metadata[ReadString(ref reader)] = ReadString(ref reader);
        }

        return metadata;
    }

    /// <summary>A channel's version, layout, inline bytes, runs and extendable flag (five values; both revisions).</summary>
    private static void WriteChannelValue(ref MessagePackWriter writer, ChannelValueRef channel)
    {
        writer.Write(channel.Version);
        writer.Write((byte)channel.Layout);
        if (channel.Inline is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(channel.Inline);
        }

        writer.WriteArrayHeader(channel.Runs.Count);
        foreach (var run in channel.Runs)
        {
            WriteGuid(ref writer, run.BlobId);
            WriteRunRange(ref writer, run);
        }

        writer.Write(channel.Extendable);
    }

    /// <summary>Reads what <see cref="WriteChannelValue"/> wrote; the oldest bodies have no extendable flag.</summary>
    private static ChannelValueRef ReadChannelValue(ref MessagePackReader reader, bool withExtendable)
    {
        var version = reader.ReadInt64();
        var layout = (ChannelLayout)reader.ReadByte();
        byte[]? inline = null;
        if (!reader.TryReadNil())
        {
            inline = reader.ReadBytes()?.ToArray();
        }

        var runs = new BlobRun[reader.ReadArrayHeader()];
        for (var r = 0; r < runs.Length; r++)
        {
            var blobId = ReadGuid(ref reader);
            runs[r] = ReadRunRange(ref reader, blobId);
        }

        var extendable = withExtendable && reader.ReadBoolean();
        return new ChannelValueRef { Version = version, Layout = layout, Inline = inline, Runs = runs, Extendable = extendable };
    }

    /// <summary>
    /// A run's range: its end alone when it starts at 0 (as every body before compactions wrote it),
    /// else the pair [start, end], told apart on read by the MessagePack type.
    /// </summary>
    private static void WriteRunRange(ref MessagePackWriter writer, BlobRun run)
    {
        if (run.Start == 0)
        {
            writer.Write(run.End);
            return;
        }

        writer.WriteArrayHeader(2);
        writer.Write(run.Start);
        writer.Write(run.End);
    }

    private static BlobRun ReadRunRange(ref MessagePackReader reader, Guid blobId)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return new BlobRun(blobId, reader.ReadInt32());
        }

        if (reader.ReadArrayHeader() != 2)
        {
            throw new InvalidOperationException("a run range must hold a start and an end.");
        }

        var start = reader.ReadInt32();
        var end = reader.ReadInt32();
        return start >= 0 && start <= end
            ? new BlobRun(blobId, end) { Start = start }
            : throw new InvalidOperationException($"run range {start}..{end} is not a range.");
    }

    private static void WriteGuid(ref MessagePackWriter writer, Guid id)
    {
        writer.Write(id.ToByteArray(bigEndian: true));
    }

    private static Guid ReadGuid(ref MessagePackReader reader)
    {
        var bytes = reader.ReadBytes() ?? throw new InvalidOperationException("missing blob id");
        return bytes.Length == 16
            ? new Guid(bytes.FirstSpan.Length == 16 ? bytes.FirstSpan : bytes.ToArray(), bigEndian: true)
            : throw new InvalidOperationException($"blob id is {bytes.Length} bytes, expected 16");
    }

    private static string ReadString(ref MessagePackReader reader) =>
        reader.ReadString() ?? throw new InvalidOperationException("unexpected nil string");
}
