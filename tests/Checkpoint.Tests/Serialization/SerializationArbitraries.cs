using Checkpoint.Conformance;
using Checkpoint.Storage;
using FsCheck;
using FsCheck.Fluent;

namespace Checkpoint.Tests.Serialization;

/// <summary>FsCheck arbitraries for the serialization properties.</summary>
public static class SerializationArbitraries
{
    /// <summary>Random checkpoint records.</summary>
    public static Arbitrary<CheckpointRecord> Records() => ConformanceGenerators.Records("thread-p").ToArbitrary();

    /// <summary>Random AES keys of every valid size.</summary>
    public static Arbitrary<AesKey> AesKeys() =>
        (from size in Gen.Elements(16, 24, 32)
         from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), size)
         select new AesKey(bytes)).ToArbitrary();
}
