using Checkpoint.Serialization;
using FsCheck;
using FsCheck.Xunit;
using Xunit;

namespace Checkpoint.Sqlite.Tests;

/// <summary>The record group codec and group references: exact round trips, and damage caught as <see cref="InvalidDataException"/>.</summary>
public sealed class RecordGroupCodecPropertyTests
{
    [Property]
    public void Any_bodies_round_trip(byte[][] bodies)
    {
        var input = (bodies ?? []).Select(body => body ?? []).ToList();

        var decoded = RecordGroupCodec.Decode(RecordGroupCodec.Encode(input));

        Assert.Equal(input, decoded);
    }

    [Property]
    public void Bodies_that_differ_in_a_few_bytes_round_trip_and_shrink(NonEmptyArray<byte> first, (PositiveInt Index, byte Value)[] edits, PositiveInt count)
    {
        // Like the records of one thread: one length, a few bytes changed from each to the next.
        var bodies = new List<byte[]> { first.Get };
        for (var i = 1; i < Math.Min(count.Get, 80) + 1; i++)
        {
            var next = (byte[])bodies[^1].Clone();
            foreach (var (index, value) in edits.Take(4))
            {
                next[(index.Get + i) % next.Length] = value;
            }

            bodies.Add(next);
        }

        var group = RecordGroupCodec.Encode(bodies);

        Assert.Equal(bodies, RecordGroupCodec.Decode(group));
        if (bodies.Count >= 20 && first.Get.Length >= 64)
        {
            Assert.True(group.Length * 2 < bodies.Sum(body => body.Length), $"{bodies.Count} similar bodies took {group.Length} bytes");
        }
    }

    [Property]
    public void Envelopes_round_trip_with_their_checksums_whether_right_or_not(byte[][] payloads, NonNegativeInt wrong, byte value)
    {
        // Stored bodies are envelopes: a right checksum is left out and computed again, a wrong one is kept as it was.
        var options = new Checkpoint.Serialization.SerializerOptions { CompressionThreshold = int.MaxValue };
        var bodies = (payloads ?? []).Select(payload => Checkpoint.Serialization.Envelope.Wrap(payload ?? [], 7, options)).ToList();
        if (bodies.Count > 0)
        {
            bodies[wrong.Get % bodies.Count][11] ^= value == 0 ? (byte)1 : value;
        }

        var decoded = RecordGroupCodec.Decode(RecordGroupCodec.Encode(bodies));

        Assert.Equal(bodies, decoded);
    }

    [Property]
    public void A_damaged_group_decodes_to_bodies_or_fails_as_invalid_data(byte[][] bodies, PositiveInt position, byte value)
    {
        var group = RecordGroupCodec.Encode((bodies ?? []).Select(body => body ?? []).ToList());
        var at = position.Get % group.Length;
        var damaged = (byte[])group.Clone();
        damaged[at] ^= value == 0 ? (byte)1 : value;

        try
        {
            _ = RecordGroupCodec.Decode(damaged);
        }
        catch (InvalidDataException)
        {
            // Expected for most damage; a body that still decodes is caught later by its own envelope checksum.
        }
    }

    [Property]
    public void A_cut_group_fails_as_invalid_data_or_still_holds_every_body(NonEmptyArray<byte> body, PositiveInt cut)
    {
        // Deflate may emit every byte before the end-of-block code is read: a cut there loses nothing.
        var group = RecordGroupCodec.Encode([body.Get, body.Get]);
        var length = cut.Get % group.Length;

        try
        {
            Assert.Equal([body.Get, body.Get], RecordGroupCodec.Decode(group.AsSpan(0, length)));
        }
        catch (InvalidDataException)
        {
        }
    }

    [Property]
    public void References_round_trip_and_are_never_a_stored_body(NonNegativeInt group, NonNegativeInt index)
    {
        var reference = SqliteRecordGroups.Reference(group.Get, index.Get);

        Assert.True(SqliteRecordGroups.IsReference(reference));
        Assert.Equal(((long)group.Get, index.Get), SqliteRecordGroups.ParseReference(reference));
        Assert.False(SqliteRecordGroups.IsReference(Checkpoint.Serialization.Envelope.Wrap([1, 2, 3], 0, new Checkpoint.Serialization.SerializerOptions())));
    }

    [Fact]
    public void A_reference_with_trailing_bytes_is_refused()
    {
        byte[] reference = [.. SqliteRecordGroups.Reference(3, 4), 0];

        _ = Assert.Throws<InvalidDataException>(() => SqliteRecordGroups.ParseReference(reference));
    }
}
