using BenchmarkDotNet.Attributes;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Serialization;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>
/// Reading collections from payloads (no envelope): 100 messages and a 1,000-entry dictionary, the
/// shapes whose formatters the reader replaces so that a header count never pre-sizes memory; and the
/// same at 100× (past the initial capacity budget, so the collections grow while being read).
/// </summary>
[MemoryDiagnoser]
public class CollectionReadBenchmarks
{
    private readonly CheckpointSerializer _serializer = CheckpointSerializer.Default;
    private byte[] _messages = [];
    private byte[] _dictionary = [];
    private byte[] _manyMessages = [];
    private byte[] _bigDictionary = [];

    [GlobalSetup]
    public void Setup()
    {
        _messages = _serializer.ToPayload(SampleData.Messages(100));
        _dictionary = _serializer.ToPayload(Enumerable.Range(0, 1_000).ToDictionary(i => $"key-{i}", i => (long)i * 7));
        _manyMessages = _serializer.ToPayload(SampleData.Messages(10_000));
        _bigDictionary = _serializer.ToPayload(Enumerable.Range(0, 100_000).ToDictionary(i => $"key-{i}", i => (long)i * 7));
    }

    [Benchmark]
    public List<Message> Messages100() => _serializer.FromPayload<List<Message>>(_messages, default);

    [Benchmark]
    public Dictionary<string, long> Dictionary1000() => _serializer.FromPayload<Dictionary<string, long>>(_dictionary, default);

    [Benchmark]
    public List<Message> Messages10000() => _serializer.FromPayload<List<Message>>(_manyMessages, default);

    [Benchmark]
    public Dictionary<string, long> Dictionary100000() => _serializer.FromPayload<Dictionary<string, long>>(_bigDictionary, default);
}
