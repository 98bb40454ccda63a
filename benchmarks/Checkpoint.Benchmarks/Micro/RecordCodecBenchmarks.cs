using BenchmarkDotNet.Attributes;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>CheckpointRecordCodec encode/decode of a W1-shaped checkpoint record.</summary>
[MemoryDiagnoser]
public class RecordCodecBenchmarks
{
    private CheckpointRecord _record = null!;
    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        _record = SampleData.ChatRecord("thread-1", CheckpointIds.NewId(), CheckpointIds.NewId(), 250, Guid.CreateVersion7());
        _body = CheckpointRecordCodec.Encode(_record);
    }

    [Benchmark]
    public byte[] Encode() => CheckpointRecordCodec.Encode(_record);

    [Benchmark]
    public CheckpointRecord Decode() => CheckpointRecordCodec.Decode(_body, _record.Id, _record.ThreadId, _record.Namespace, _record.ParentId);
}
