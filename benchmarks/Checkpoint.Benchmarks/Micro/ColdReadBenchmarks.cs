using System.Text;
using BenchmarkDotNet.Attributes;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Serialization;
using Checkpoint.Sqlite;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>
/// Where a cold read of W1's latest state (N=500, SQLite, the saver's chunk cache cleared) spends its time, part by
/// part: the checkpoint row, the chunk rows, unwrapping them (decompression, checksum), decoding the 500 messages;
/// and the floor under the last part, making the 500 message strings from their UTF-8 bytes.
/// </summary>
[MemoryDiagnoser]
public class ColdReadBenchmarks
{
    private const int Steps = 500;
    private const string Thread = "cold";

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"checkpoint-cold-{Guid.NewGuid():N}.db");
    private SqliteCheckpointSaver _saver = null!;
    private CompiledGraph<ChatState> _graph = null!;
    private IReadOnlyList<BlobRun> _runs = [];
    private IReadOnlyList<BlobChunk> _chunks = [];
    private List<byte[]> _payloads = [];
    private List<byte[]> _texts = [];

    /// <summary>The block codec the store was written with.</summary>
    [Params(BlockCompression.Deflate, BlockCompression.Lz4)]
    public BlockCompression Blocks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var serializer = new CheckpointSerializer(new SerializerOptions { BlockCompression = Blocks });
        _saver = new SqliteCheckpointSaver($"Data Source={_path}", new SqliteCheckpointSaverOptions { Serializer = serializer });
        _graph = ChatLoop.Build(Steps).Compile(_saver);
        _ = _graph.InvokeAsync(new ChatState(), ChatLoop.Config(Thread, Steps)).GetAwaiter().GetResult();
        var latest = _saver.GetAsync(Thread, "", null).GetAwaiter().GetResult()!;
        _runs = [.. latest.Checkpoint.Channels.Values.SelectMany(channel => channel.Runs)];
        _chunks = _saver.ReadChunksAsync(Thread, "", _runs).GetAwaiter().GetResult();
        _payloads = [.. _chunks.Select(chunk => serializer.Unwrap(chunk.Data, default).Payload)];
        _texts = [.. _payloads.SelectMany(payload => serializer.FromPayload<Message[]>(payload, default)).Select(message => Encoding.UTF8.GetBytes(message.Content))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _saver.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }

    /// <summary>The whole read: <c>GetStateAsync</c> with the chunk cache cleared first.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> GetStateCold()
    {
        _saver.ClearChunkCache();
        var state = await _graph.GetStateAsync(ChatLoop.Config(Thread, Steps)).ConfigureAwait(false);
        return state!.Values.Messages.Count;
    }

    /// <summary>The latest checkpoint's row and pending writes.</summary>
    [Benchmark]
    public async Task<CheckpointTuple?> ReadRecord() => await _saver.GetAsync(Thread, "", null).ConfigureAwait(false);

    /// <summary>The chunk rows holding the 500 messages (blocks and the tail's small chunks).</summary>
    [Benchmark]
    public async Task<IReadOnlyList<BlobChunk>> ReadChunks() => await _saver.ReadChunksAsync(Thread, "", _runs).ConfigureAwait(false);

    /// <summary>Opening the chunks' envelopes: checksum and decompression.</summary>
    [Benchmark]
    public int Unwrap()
    {
        var bytes = 0;
        foreach (var chunk in _chunks)
        {
            bytes += _saver.Serializer.Unwrap(chunk.Data, default).Payload.Length;
        }

        return bytes;
    }

    /// <summary>MessagePack: the 500 messages from the unwrapped payloads.</summary>
    [Benchmark]
    public int DecodeMessages()
    {
        var count = 0;
        foreach (var payload in _payloads)
        {
            count += _saver.Serializer.FromPayload<Message[]>(payload, default).Length;
        }

        return count;
    }

    /// <summary>The floor under <see cref="DecodeMessages"/>: the 500 message texts made from their UTF-8 bytes.</summary>
    [Benchmark]
    public int MakeStrings()
    {
        var characters = 0;
        foreach (var text in _texts)
        {
            characters += Encoding.UTF8.GetString(text).Length;
        }

        return characters;
    }
}
