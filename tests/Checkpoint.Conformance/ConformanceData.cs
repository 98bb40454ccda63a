using Checkpoint.Serialization;
using Checkpoint.Storage;
using Xunit;

namespace Checkpoint.Conformance;

/// <summary>Builds records, chunks and writes for the conformance suite and compares what is read back.</summary>
public static class ConformanceData
{
    /// <summary>A fixed instant, so created-at values are predictable.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A record with a fresh id and the given identity and channels.</summary>
    public static CheckpointRecord Record(
        string threadId,
        string checkpointNamespace = "",
        Guid? parentId = null,
        int step = 0,
        IReadOnlyDictionary<string, ChannelValueRef>? channels = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        CheckpointSource source = CheckpointSource.Loop) =>
        new()
        {
            Id = CheckpointIds.NewId(),
            ThreadId = threadId,
            Namespace = checkpointNamespace,
            ParentId = parentId,
            Step = step,
            Source = source,
            CreatedAt = Epoch.AddSeconds(step + 1),
            Channels = channels ?? new Dictionary<string, ChannelValueRef>(),
            Metadata = metadata ?? new Dictionary<string, string>(),
        };

    /// <summary>An inline channel value holding the MessagePack bytes of <paramref name="value"/>.</summary>
    public static ChannelValueRef Inline<T>(T value, long version = 1) =>
        new() { Version = version, Layout = ChannelLayout.Inline, Inline = CheckpointSerializer.Default.ToPayload(value) };

    /// <summary>A one-chunk blob channel value.</summary>
    public static ChannelValueRef Blob(Guid blobId, long version = 1) =>
        new() { Version = version, Layout = ChannelLayout.Blob, Runs = [new BlobRun(blobId, 1)] };

    /// <summary>A chunked list channel value made of the given runs.</summary>
    public static ChannelValueRef Chunked(long version, params BlobRun[] runs) =>
        new() { Version = version, Layout = ChannelLayout.Chunks, Runs = runs };

    /// <summary>A chunk holding the given list items (enveloped like the engine writes them).</summary>
    public static BlobChunk Chunk(Guid blobId, int sequence, params string[] items) =>
        new(blobId, sequence, CheckpointSerializer.Default.Serialize(items));

    /// <summary>The items of a chunk made by <see cref="Chunk"/>.</summary>
    public static string[] Items(BlobChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return CheckpointSerializer.Default.Deserialize<string[]>(chunk.Data);
    }

    /// <summary>The concatenated items of chunks made by <see cref="Chunk"/>.</summary>
    public static string[] Items(IEnumerable<BlobChunk> chunks) => chunks.SelectMany(Items).ToArray();

    /// <summary>The value of an inline channel.</summary>
    public static T Value<T>(CheckpointRecord record, string channel)
    {
        ArgumentNullException.ThrowIfNull(record);
        var inline = record.Channels[channel].Inline ?? throw new InvalidOperationException($"channel {channel} is not inline");
        return CheckpointSerializer.Default.FromPayload<T>(inline, new BlobLocation(record.ThreadId, record.Id, channel));
    }

    /// <summary>A pending write whose value is the enveloped string <paramref name="value"/>.</summary>
    public static PendingWrite Write(string taskId, int index, string channel, string value, string node = "node") =>
        new(taskId, node, index, channel, CheckpointSerializer.Default.Serialize(value));

    /// <summary>The string value of a write made by <see cref="Write"/>.</summary>
    public static string WriteValue(PendingWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return CheckpointSerializer.Default.Deserialize<string>(write.Value);
    }

    /// <summary>A one-entry dictionary.</summary>
    public static Dictionary<string, TValue> Map<TValue>(string key, TValue value) => new() { [key] = value };

    /// <summary>Reads a stream to a list.</summary>
    public static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var list = new List<T>();
        await foreach (var item in source.WithCancellation(cancellationToken))
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Asserts that two records are equal field by field (bytes compared by content).</summary>
    public static void AssertSameRecord(CheckpointRecord expected, CheckpointRecord? actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.ThreadId, actual.ThreadId);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Assert.Equal(expected.ParentId, actual.ParentId);
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        AssertSameChannels(expected.Channels, actual.Channels);
        Assert.Equal(
            expected.VersionsSeen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Sorted(p.Value))),
            actual.VersionsSeen.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, Sorted(p.Value))),
            (x, y) => x.Key == y.Key && x.Item2.SequenceEqual(y.Item2));
        Assert.Equal(expected.NextNodes, actual.NextNodes);
        Assert.Equal(expected.Sends.Select(send => (send.Node, Convert.ToHexString(send.Argument))), actual.Sends.Select(send => (send.Node, Convert.ToHexString(send.Argument))));
        Assert.Equal(expected.Interrupts.Count, actual.Interrupts.Count);
        for (var i = 0; i < expected.Interrupts.Count; i++)
        {
            var (e, a) = (expected.Interrupts[i], actual.Interrupts[i]);
            Assert.Equal((e.Id, e.Node, e.TaskId), (a.Id, a.Node, a.TaskId));
            Assert.Equal(e.Value, a.Value);
        }

        Assert.Equal(Sorted(expected.Metadata), Sorted(actual.Metadata));
    }

    /// <summary>Asserts that two channel maps are equal (bytes compared by content).</summary>
    public static void AssertSameChannels(
        IReadOnlyDictionary<string, ChannelValueRef> expected, IReadOnlyDictionary<string, ChannelValueRef> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.Equal(e.Version, a.Version);
            Assert.Equal(e.Layout, a.Layout);
            Assert.Equal(e.Inline, a.Inline);
            Assert.Equal(e.SchemaVersion, a.SchemaVersion);
            Assert.Equal(e.Runs, a.Runs);
        }
    }

    private static List<KeyValuePair<string, T>> Sorted<T>(IReadOnlyDictionary<string, T> map) =>
        map.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
}
