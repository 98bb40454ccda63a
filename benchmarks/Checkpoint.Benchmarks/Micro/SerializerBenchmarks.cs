using BenchmarkDotNet.Attributes;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Serialization;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>CheckpointSerializer round trip of a list of 200-character messages; the LZ4 envelope alone.</summary>
[MemoryDiagnoser]
public class SerializerBenchmarks
{
    private readonly CheckpointSerializer _serializer = CheckpointSerializer.Default;
    private List<Message> _messages = [];
    private byte[] _blob = [];
    private byte[] _payload = [];
    private byte[] _envelope = [];

    [Params(10, 100)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _messages = SampleData.Messages(Count);
        _blob = _serializer.Serialize(_messages);
        _payload = CheckpointSerializer.Default.ToPayload(_messages);
        _envelope = Envelope.Wrap(_payload, 0, _serializer.Options);
        if (Envelope.Unwrap(_envelope, _serializer.Options, default).Payload.Length != _payload.Length)
        {
            throw new InvalidOperationException("envelope round trip failed");
        }
    }

    [Benchmark]
    public byte[] Serialize() => _serializer.Serialize(_messages);

    [Benchmark]
    public List<Message> Deserialize() => _serializer.Deserialize<List<Message>>(_blob);

    [Benchmark]
    public byte[] EnvelopeWrapLz4() => Envelope.Wrap(_payload, 0, _serializer.Options);

    [Benchmark]
    public byte[] EnvelopeUnwrapLz4() => Envelope.Unwrap(_envelope, _serializer.Options, default).Payload;
}
