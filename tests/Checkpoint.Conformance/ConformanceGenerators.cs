using Checkpoint.Storage;
using FsCheck;
using FsCheck.Fluent;

namespace Checkpoint.Conformance;

/// <summary>FsCheck generators of random checkpoint records (for property tests of savers and codecs).</summary>
public static class ConformanceGenerators
{
    private static readonly string[] Names = ["", "a", "messages", "ü–日本語-🙂", "x y z", "__error__", "n0", "n1", "n2", "long-channel-name-0123456789"];

    /// <summary>Random bytes (possibly empty).</summary>
    public static Gen<byte[]> Bytes { get; } =
        Gen.ListOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(list => list.ToArray());

    /// <summary>Random non-null strings, including unicode ones.</summary>
    public static Gen<string> Strings { get; } =
        Gen.OneOf(Gen.Elements(Names), ArbMap.Default.GeneratorFor<NonNull<string>>().Select(s => s.Get));

    /// <summary>Random long values.</summary>
    public static Gen<long> Longs { get; } =
        Gen.OneOf(
            Gen.Choose(-1000, 1000).Select(i => (long)i),
            Gen.Elements(long.MinValue, long.MaxValue, 0L),
            Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue), (hi, lo) => ((long)hi << 32) | (uint)lo));

    /// <summary>A random channel value of any layout.</summary>
    public static Gen<ChannelValueRef> ChannelValues { get; } =
        from version in Longs
        from layout in Gen.Elements(ChannelLayout.Inline, ChannelLayout.Blob, ChannelLayout.Chunks)
        from inline in Bytes
        from runs in Gen.ListOf(Gen.Choose(0, 1000).Select(end => new BlobRun(Guid.NewGuid(), end)))
        from schemaVersion in Gen.Elements<ushort>(0, 0, 1, 7, ushort.MaxValue)
        select layout switch
        {
            ChannelLayout.Inline => new ChannelValueRef { Version = version, Layout = layout, Inline = inline, SchemaVersion = schemaVersion },
            ChannelLayout.Blob => new ChannelValueRef { Version = version, Layout = layout, Runs = [new BlobRun(Guid.NewGuid(), 1)] },
            _ => new ChannelValueRef { Version = version, Layout = layout, Runs = runs.ToArray() },
        };

    /// <summary>A random record of thread <paramref name="threadId"/> with a fresh id and no parent.</summary>
    public static Gen<CheckpointRecord> Records(string threadId) =>
        from checkpointNamespace in Gen.Elements("", "sub", "sub:1|inner")
        from step in Gen.Choose(-1, 100_000)
        from source in Gen.Elements(Enum.GetValues<CheckpointSource>())
        from seconds in Gen.Choose(0, int.MaxValue)
        from ticks in Gen.Choose(0, 9_999_999)
        from channels in Map(ChannelValues)
        from seen in Map(Map(Longs))
        from next in Gen.ListOf(Strings)
        from interrupts in Gen.ListOf(
            from id in Strings
            from node in Strings
            from task in Strings
            from value in Bytes
            select new InterruptRecord(id, node, task, value))
        from metadata in Map(Strings)
        from sends in Gen.ListOf(Gen.Zip(Strings, Bytes).Select(send => new SendRecord(send.Item1, send.Item2)))
        select new CheckpointRecord
        {
            Id = CheckpointIds.NewId(),
            ThreadId = threadId,
            Namespace = checkpointNamespace,
            Step = step,
            Source = source,
            CreatedAt = new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (seconds * TimeSpan.TicksPerSecond) + ticks, TimeSpan.Zero),
            Channels = channels.ToDictionary(p => p.Key, p => p.Value),
            VersionsSeen = seen.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, long>)p.Value),
            NextNodes = next.ToArray(),
            Sends = sends.ToArray(),
            Interrupts = interrupts.ToArray(),
            Metadata = metadata,
        };

    /// <summary>A random string-keyed dictionary of values from <paramref name="values"/>.</summary>
    public static Gen<Dictionary<string, T>> Map<T>(Gen<T> values) =>
        Gen.ListOf(Gen.Zip(Strings, values))
            .Select(pairs => pairs.DistinctBy(p => p.Item1, StringComparer.Ordinal).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal));
}
