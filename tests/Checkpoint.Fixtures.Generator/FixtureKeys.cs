namespace Checkpoint.Fixtures.Generator;

/// <summary>The fixed AES key of the encrypted fixture (a test key: it protects nothing).</summary>
public static class FixtureKeys
{
    /// <summary>32 bytes: 1, 2, ..., 32.</summary>
    public static byte[] Key => [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
}
