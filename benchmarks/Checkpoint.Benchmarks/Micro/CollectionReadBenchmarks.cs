using BenchmarkDotNet.Attributes;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Serialization;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>
/// Reading collections from payloads (no envelope): 100 messages and a 1,000-entry dictionary, the
/// shapes whose formatters the reader replaces so that a header count never pre-sizes memory.
/// </summary>
[MemoryDiagnoser]
public class CollectionReadBenchmarks
{
    private readonly CheckpointSerializer _serializer = CheckpointSerializer.Default;
    private byte[] _messages = [];
    private byte[] _dictionary = [];

    [GlobalSetup]
    public void Setup()
    {
        _messages = _serializer.ToPayload(SampleData.Messages(100));
        _dictionary = _serializer.ToPayload(Enumerable.Range(0, 1_000).ToDictionary(i => $"key-{i}", i => (long)i * 7));
    }

    [Benchmark]
    public List<Message> Messages100() => _serializer.FromPayload<List<Message>>(_messages, default);

    [Benchmark]
    public Dictionary<string, long> Dictionary1000() => _serializer.FromPayload<Dictionary<string, long>>(_dictionary, default);
}
