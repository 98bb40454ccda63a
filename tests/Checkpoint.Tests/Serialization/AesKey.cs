namespace Checkpoint.Tests.Serialization;

/// <summary>A random AES key for property tests.</summary>
/// <param name="Bytes">16, 24 or 32 bytes.</param>
public sealed record AesKey(byte[] Bytes)
{
    public override string ToString() => Convert.ToHexString(Bytes);
}
