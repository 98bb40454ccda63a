using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Serialization;
using MessagePack;
using MessagePack.Resolvers;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>
/// What the limits cost: plain MessagePack (baseline) against the serializer's checked payload path
/// (depth-counting write resolver, size check, structure scan; on read the scan and the end check).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SerializerLimitBenchmarks
{
    private static readonly MessagePackSerializerOptions Plain = MessagePackSerializerOptions.Standard
        .WithResolver(ContractlessStandardResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    private readonly CheckpointSerializer _serializer = CheckpointSerializer.Default;
    private List<Message> _messages = [];
    private byte[] _payload = [];

    [Params(10, 100)]
    public int Count { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _messages = SampleData.Messages(Count);
        _payload = MessagePackSerializer.Serialize(_messages, Plain);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Serialize")]
    public byte[] PlainSerialize() => MessagePackSerializer.Serialize(_messages, Plain);

    [Benchmark]
    [BenchmarkCategory("Serialize")]
    public byte[] CheckedSerialize() => _serializer.ToPayload(_messages);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Deserialize")]
    public List<Message> PlainDeserialize() => MessagePackSerializer.Deserialize<List<Message>>(_payload, Plain);

    [Benchmark]
    [BenchmarkCategory("Deserialize")]
    public List<Message> CheckedDeserialize() => _serializer.FromPayload<List<Message>>(_payload, default);
}
