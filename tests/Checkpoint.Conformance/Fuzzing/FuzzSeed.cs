namespace Checkpoint.Conformance.Fuzzing;

/// <summary>
/// One real input of a decoder, to be mutated: the bytes as stored (<paramref name="Stored"/>), the
/// MessagePack payload inside them, how to seal a changed payload back into a valid envelope at the
/// same address (so damage gets past the checksum and the AES-GCM tag and reaches the decoders behind
/// them), and the decoder, called exactly as a saver's reader calls it.
/// </summary>
/// <param name="Decoder">The decoder's name in the report ("record", "chunk", "write", "value", "inline", "envelope").</param>
/// <param name="Stored">The bytes the decoder gets: an envelope, or the bare payload for an inline value.</param>
/// <param name="Payload">The MessagePack payload inside <paramref name="Stored"/>.</param>
/// <param name="Seal">Wraps a payload as <paramref name="Stored"/> was wrapped (identity for an inline value).</param>
/// <param name="Decode">Reads stored bytes; throws what the decoder throws.</param>
public sealed record FuzzSeed(string Decoder, byte[] Stored, byte[] Payload, Func<byte[], byte[]> Seal, Func<byte[], object?> Decode)
{
    /// <summary>True when <see cref="Stored"/> is an envelope (its header can be mutated).</summary>
    public bool Enveloped => !ReferenceEquals(Stored, Payload);
}
