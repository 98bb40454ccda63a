using System.Buffers;
using Checkpoint.Serialization;
using Checkpoint.Storage;
using MessagePack;

namespace Checkpoint.Tests.Serialization;

/// <summary>Record bodies of revision 1 (before the name table) still read; revision 2 is smaller.</summary>
public sealed class RecordRevisionTests
{
    private static readonly Guid Blob = Guid.CreateVersion7();

    private static CheckpointRecord Sample()
    {
        var now = new DateTimeOffset(2026, 11, 30, 7, 30, 12, 345, TimeSpan.Zero);
        return Sample(Guid.CreateVersion7(now), now.AddTicks(6789));
    }

    private static CheckpointRecord Sample(Guid id, DateTimeOffset createdAt) => new()
    {
        Id = id,
        ThreadId = "revisions",
        Namespace = "",
        ParentId = null,
        Step = 41,
        Source = CheckpointSource.Loop,
        CreatedAt = createdAt,
        Channels = new Dictionary<string, ChannelValueRef>
        {
            ["Messages"] = new() { Version = 300, Layout = ChannelLayout.Chunks, Runs = [new BlobRun(Blob, 64), new BlobRun(Blob, 300) { Start = 70 }], Extendable = true },
            ["Step"] = new() { Version = 300, Layout = ChannelLayout.Inline, Inline = [0xCD, 0x01, 0x2C] },
        },
        VersionsSeen = new Dictionary<string, IReadOnlyDictionary<string, long>>
        {
            ["agent"] = new Dictionary<string, long> { ["Messages"] = 299, ["Step"] = 299 },
            ["tool"] = new Dictionary<string, long> { ["Messages"] = 298 },
        },
        NextNodes = ["tool"],
        Metadata = new Dictionary<string, string> { ["user"] = "42" },
    };

    /// <summary>The body as builds before revision 2 wrote it.</summary>
    private static byte[] Revision1(CheckpointRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(9);
        writer.Write(record.Step);
        writer.Write((byte)record.Source);
        writer.Write(record.CreatedAt.UtcTicks);
        writer.WriteMapHeader(record.Channels.Count);
        foreach (var (name, channel) in record.Channels)
        {
            writer.Write(name);
            writer.WriteArrayHeader(5);
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
                writer.Write(run.BlobId.ToByteArray(bigEndian: true));
                if (run.Start == 0)
                {
                    writer.Write(run.End);
                }
                else
                {
                    writer.WriteArrayHeader(2);
                    writer.Write(run.Start);
                    writer.Write(run.End);
                }
            }

            writer.Write(channel.Extendable);
        }

        writer.WriteMapHeader(record.VersionsSeen.Count);
        foreach (var (node, versions) in record.VersionsSeen)
        {
            writer.Write(node);
            writer.WriteMapHeader(versions.Count);
            foreach (var (channel, version) in versions)
            {
                writer.Write(channel);
                writer.Write(version);
            }
        }

        writer.WriteArrayHeader(record.NextNodes.Count);
        foreach (var node in record.NextNodes)
        {
            writer.Write(node);
        }

        writer.WriteArrayHeader(0);
        writer.WriteMapHeader(record.Metadata.Count);
        foreach (var (key, value) in record.Metadata)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Write(1);
        writer.Flush();
        return Envelope.Wrap(buffer.WrittenSpan, 0, new SerializerOptions { CompressionThreshold = int.MaxValue });
    }

    private static string Text(CheckpointRecord r) =>
        $"{r.Id}|{r.Step}|{r.Source}|{r.CreatedAt.UtcTicks}|{r.CreatedAt.Offset}|" +
        string.Join(";", r.Channels.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c =>
            $"{c.Key}:{c.Value.Version}:{c.Value.Layout}:{Convert.ToHexString(c.Value.Inline ?? [])}:{c.Value.Extendable}:" +
            string.Join(",", c.Value.Runs.Select(run => $"{run.BlobId}/{run.Start}/{run.End}")))) + "|" +
        string.Join(";", r.VersionsSeen.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v =>
            v.Key + "=" + string.Join(",", v.Value.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}:{x.Value}")))) + "|" +
        string.Join(",", r.NextNodes) + "|" + string.Join(",", r.Metadata.Select(m => $"{m.Key}={m.Value}"));

    [Fact]
    public void A_revision_1_body_reads_as_the_revision_2_body_of_the_same_record()
    {
        var record = Sample();
        var fromOld = CheckpointRecordCodec.Decode(Revision1(record), record.Id, record.ThreadId, record.Namespace, null);
        var fromNew = CheckpointRecordCodec.Decode(CheckpointRecordCodec.Encode(record), record.Id, record.ThreadId, record.Namespace, null);
        Assert.Equal(Text(record), Text(fromOld));
        Assert.Equal(Text(record), Text(fromNew));
    }

    [Fact]
    public void Revision_2_is_smaller_than_revision_1()
    {
        var record = Sample();
        var plain = new CheckpointSerializer(new SerializerOptions { CompressionThreshold = int.MaxValue });
        Assert.True(CheckpointRecordCodec.Encode(record, plain).Length + 20 < Revision1(record).Length, $"{CheckpointRecordCodec.Encode(record, plain).Length} vs {Revision1(record).Length}");
    }

    [Fact]
    public void A_created_at_far_from_the_id_time_still_round_trips()
    {
        foreach (var createdAt in new[] { DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch })
        {
            var record = Sample(Guid.NewGuid(), createdAt);
            var read = CheckpointRecordCodec.Decode(CheckpointRecordCodec.Encode(record), record.Id, record.ThreadId, record.Namespace, null);
            Assert.Equal(createdAt.UtcTicks, read.CreatedAt.UtcTicks);
        }
    }

    [Fact]
    public void A_name_index_outside_the_table_is_corrupt()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(10);
        writer.WriteArrayHeader(1);
        writer.Write("only");
        writer.Write(1);
        writer.Write((byte)0);
        writer.Write(0L);
        writer.WriteArrayHeader(0);
        writer.WriteArrayHeader(0);
        writer.WriteArrayHeader(1);
        writer.Write(5); // next node: no name 5
        writer.WriteArrayHeader(0);
        writer.WriteMapHeader(0);
        writer.Write(2);
        writer.Flush();
        var id = CheckpointIds.NewId();
        var body = Envelope.Wrap(buffer.WrittenSpan, 0, CheckpointSerializer.Default.Options);
        var error = Assert.Throws<CorruptCheckpointException>(() => CheckpointRecordCodec.Decode(body, id, "t", "", null));
        Assert.Equal(id, error.CheckpointId);
    }
}
