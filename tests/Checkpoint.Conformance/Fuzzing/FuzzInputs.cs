using Checkpoint.Serialization;

namespace Checkpoint.Conformance.Fuzzing;

/// <summary>
/// Makes one fuzz input from a seed: damage to the stored bytes (header included, checksum fixed
/// so it is not caught there), damage to the payload sealed back into a valid envelope (so it
/// reaches LZ4, Deflate, MessagePack and the record codec), splices of two seeds, nesting-depth
/// bombs, huge declared lengths and counts, and purely random bytes.
/// </summary>
public static class FuzzInputs
{
    /// <summary>The mutation kinds, as named in the report.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["envelope", "payload", "splice", "depth-bomb", "huge-length", "random-payload", "random-blob", "header-lies"];

    // Container starts: fixarray of 1, fixmap of 1 (needs a key: a fixint), array16/32 of 1, map16 of 1, ext holding nothing.
    private static readonly byte[][] Openers = [[0x91], [0x81, 0x00], [0xDC, 0x00, 0x01], [0xDD, 0x00, 0x00, 0x00, 0x01], [0xDE, 0x00, 0x01, 0x00]];

    // A string, binary, extension, array or map header whose length or count no input can hold.
    private static readonly byte[][] HugeHeaders =
    [
        [0xDB, 0xFF, 0xFF, 0xFF, 0xFF], [0xDB, 0x7F, 0xFF, 0xFF, 0xFF], [0xC6, 0x80, 0x00, 0x00, 0x00], [0xC6, 0x7F, 0xFF, 0xFF, 0xF0],
        [0xC9, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], [0xDD, 0xFF, 0xFF, 0xFF, 0xFF], [0xDD, 0x7F, 0xFF, 0xFF, 0xFF], [0xDF, 0x80, 0x00, 0x00, 0x00],
        [0xDF, 0x40, 0x00, 0x00, 0x00], [0xDC, 0xFF, 0xFF], [0xDE, 0xFF, 0xFF], [0xDA, 0xFF, 0xFF], [0xC5, 0xFF, 0xFF],
    ];

    private static readonly int[] BombDepths = [64, 501, 2_000, 20_000, 200_000];

    private static readonly int[] LyingLengths = [-1, int.MinValue, 0, 1, 4096, 1 << 20, (64 << 20) + 1, int.MaxValue];

    /// <summary>An input made from <paramref name="seed"/>; <paramref name="kind"/> is the index of its mutation in <see cref="Kinds"/>.</summary>
    public static byte[] Make(FuzzSeed seed, IReadOnlyList<FuzzSeed> all, Random random, out int kind)
    {
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(random);
        var roll = random.Next(100);
        kind = roll switch { < 25 => 0, < 60 => 1, < 68 => 2, < 76 => 3, < 84 => 4, < 89 => 5, < 94 => 6, _ => 7 };
        if (!seed.Enveloped && kind is 0 or 6 or 7)
        {
            kind = 1; // an inline value has no envelope to damage
        }

        switch (kind)
        {
            case 0:
                return BlobMutator.MutateEnvelope(seed.Stored, random);
            case 1:
                return seed.Seal(BlobMutator.Mutate(seed.Payload, random));
            case 2:
                var other = all[random.Next(all.Count)].Payload;
                var cut = random.Next(seed.Payload.Length + 1);
                return seed.Seal([.. seed.Payload.AsSpan(0, cut), .. other.AsSpan(random.Next(other.Length + 1))]);
            case 3:
                return seed.Seal(DepthBomb(seed.Payload, random));
            case 4:
                return seed.Seal(Insert(seed.Payload, HugeHeaders[random.Next(HugeHeaders.Length)], random));
            case 5:
                return seed.Seal(RandomBytes(random, 600));
            case 6:
                return RandomBlob(random);
            default:
                var blob = random.Next(2) == 0 ? seed.Stored : BlobMutator.MutateEnvelope(seed.Stored, random);
                return blob.Length < Envelope.HeaderSize ? blob : BlobMutator.WithDeclaredLength(blob, LyingLengths[random.Next(LyingLengths.Length)]);
        }
    }

    /// <summary>
    /// Containers nested thousands deep, spliced into the payload at a random place or added as an
    /// extra trailing field of a top-level array (record bodies skip fields a later revision adds).
    /// </summary>
    private static byte[] DepthBomb(byte[] payload, Random random)
    {
        var opener = Openers[random.Next(Openers.Length)];
        var depth = BombDepths[random.Next(BombDepths.Length)];
        var bomb = new byte[(opener.Length * depth) + 1];
        for (var i = 0; i < depth; i++)
        {
            opener.CopyTo(bomb, i * opener.Length);
        }

        bomb[^1] = random.Next(2) == 0 ? (byte)0xC0 : (byte)0x91; // nil closes every level; a last opener leaves them all open
        if (random.Next(2) == 0 && payload.Length > 0 && payload[0] is >= 0x90 and < 0x9F)
        {
            var extended = (byte[])payload.Clone();
            extended[0]++;
            return [.. extended, .. bomb];
        }

        return Insert(payload, bomb, random);
    }

    private static byte[] Insert(byte[] payload, byte[] inserted, Random random)
    {
        var at = random.Next(payload.Length + 1);
        return random.Next(2) == 0
            ? [.. payload.AsSpan(0, at), .. inserted, .. payload.AsSpan(at)]
            : [.. payload.AsSpan(0, at), .. inserted]; // what followed is gone: the header lies about the bytes left
    }

    private static byte[] RandomBytes(Random random, int most)
    {
        var bytes = new byte[random.Next(most + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Random bytes; half the time behind a plausible header (magic, format, flags) with a correct checksum.</summary>
    private static byte[] RandomBlob(Random random)
    {
        var bytes = RandomBytes(random, 600);
        if (bytes.Length < Envelope.HeaderSize || random.Next(2) == 0)
        {
            return bytes;
        }

        (bytes[0], bytes[1], bytes[2], bytes[3]) = (0xC4, 0x4B, (byte)random.Next(1, 3), (byte)random.Next(8));
        return BlobMutator.Reseal(bytes);
    }
}
