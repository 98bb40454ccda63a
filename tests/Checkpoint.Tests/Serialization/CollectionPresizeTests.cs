using System.Buffers;
using Checkpoint.Serialization;
using MessagePack;
using Xunit.Abstractions;

namespace Checkpoint.Tests.Serialization;

/// <summary>
/// A collection's header count is not an allocation request: memory grows with the entries actually
/// decoded, so a well-formed payload that declares millions of tiny entries and fails early (a
/// duplicate key, an element of the wrong type) costs little (issue 14, item 3).
/// </summary>
public sealed class CollectionPresizeTests(ITestOutputHelper output)
{
    private const int Declared = 2_000_000;
    private const int Decoded = 1_000;
    private const long AllocationBound = 4 << 20; // the pre-size alone was 16–40 MB for these payloads
    private static readonly BlobLocation Location = new("thread-presize", Guid.CreateVersion7(), "Messages");

    public sealed record Note(string Text);

    public sealed record Holder(string Name, List<Note?> Notes);

    private static byte[] Payload(WriteBody body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        body(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private delegate void WriteBody(ref MessagePackWriter writer);

    // Map of Declared int → bool: Decoded distinct keys, then key 0 over and over (the second one is a duplicate).
    private static byte[] DuplicateKeyMap() => Payload((ref MessagePackWriter w) =>
    {
        w.WriteMapHeader(Declared);
        for (var i = 0; i < Declared; i++)
        {
            w.Write(i < Decoded ? 1_000 + i : 0);
            w.Write(true);
        }
    });

    // Array of Declared nils, an integer (not a Note) after Decoded of them.
    private static void NilsThenInteger(ref MessagePackWriter w)
    {
        w.WriteArrayHeader(Declared);
        for (var i = 0; i < Declared; i++)
        {
            if (i == Decoded)
            {
                w.Write(7);
            }
            else
            {
                w.WriteNil();
            }
        }
    }

    private static long AllocatedBy(Action decode)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        decode();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private void RefusedCheaply<T>(byte[] payload)
    {
        // Warm up: the first read of a type builds its formatters.
        _ = CheckpointSerializer.Default.FromPayload<T>(CheckpointSerializer.Default.ToPayload(default(T)), Location);

        var allocated = AllocatedBy(() =>
            Assert.Throws<IncompatibleCheckpointException>(() => CheckpointSerializer.Default.FromPayload<T>(payload, Location)));

        output.WriteLine($"{payload.Length:N0} payload bytes read as {typeof(T).Name}: {allocated:N0} bytes allocated");
        Assert.InRange(allocated, 0, AllocationBound);
    }

    [Fact]
    public void A_map_cut_short_of_its_declared_count_is_corrupt()
    {
        var payload = Payload((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(20_000_000);
            for (var i = 0; i < 4; i++)
            {
                w.Write(i);
                w.Write(i);
            }
        });

        var allocated = AllocatedBy(() =>
            Assert.Throws<CorruptCheckpointException>(() => CheckpointSerializer.Default.FromPayload<Dictionary<int, int>>(payload, Location)));

        Assert.InRange(allocated, 0, AllocationBound);
    }

    [Fact]
    public void A_dictionary_declaring_millions_of_entries_that_fails_early_allocates_little() =>
        RefusedCheaply<Dictionary<int, bool>>(DuplicateKeyMap());

    [Fact]
    public void A_read_only_dictionary_declaring_millions_of_entries_that_fails_early_allocates_little() =>
        RefusedCheaply<IReadOnlyDictionary<int, bool>>(DuplicateKeyMap());

    [Fact]
    public void A_list_declaring_millions_of_items_that_fails_early_allocates_little() =>
        RefusedCheaply<List<Note?>>(Payload(NilsThenInteger));

    [Fact]
    public void An_array_declaring_millions_of_items_that_fails_early_allocates_little() =>
        RefusedCheaply<Note?[]>(Payload(NilsThenInteger));

    [Fact]
    public void A_string_array_declaring_millions_of_items_that_fails_early_allocates_little() =>
        RefusedCheaply<string?[]>(Payload(NilsThenInteger));

    [Fact]
    public void A_read_only_list_declaring_millions_of_items_that_fails_early_allocates_little() =>
        RefusedCheaply<IReadOnlyList<Note?>>(Payload(NilsThenInteger));

    [Fact]
    public void A_list_inside_an_object_declaring_millions_of_items_that_fails_early_allocates_little() =>
        RefusedCheaply<Holder>(Payload((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write(nameof(Holder.Name));
            w.Write("forged");
            w.Write(nameof(Holder.Notes));
            NilsThenInteger(ref w);
        }));

    [Fact]
    public void A_valid_payload_of_millions_of_entries_still_reads()
    {
        var payload = Payload((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(Declared);
            for (var i = 0; i < Declared; i++)
            {
                w.Write(i);
                w.Write(i % 2 == 0);
            }
        });

        var read = CheckpointSerializer.Default.FromPayload<Dictionary<int, bool>>(payload, Location);

        Assert.Equal(Declared, read.Count);
        Assert.True(read[Declared - 2]);
        Assert.False(read[Declared - 1]);
    }
}
