using BenchmarkDotNet.Attributes;
using Checkpoint.Benchmarks.Workloads;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Benchmarks.Micro;

/// <summary>
/// Saver put/get on a thread seeded with 100 W1-shaped checkpoints (one 200-character message
/// chunk each). Savers: memory and sqlite always; postgres and redis when CHECKPOINT_POSTGRES /
/// CHECKPOINT_REDIS are set.
/// </summary>
[MemoryDiagnoser]
public class SaverBenchmarks
{
    private const int Seeded = 100;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "checkpoint-micro-" + Guid.NewGuid().ToString("N")[..8]);
    private SaverTarget _target = null!;
    private SaverStore _store = null!;
    private CheckpointSaver _saver = null!;
    private Guid _blob;
    private Guid _last;
    private Guid _mid;
    private int _step;
    private byte[] _chunk = [];

    [ParamsSource(nameof(Savers))]
    public string Saver { get; set; } = "memory";

    public static IEnumerable<string> Savers() => SaverTargets.Available();

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _target.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A new checkpoint continuing the latest, with one new message chunk (what a W1 step stores).</summary>
    [Benchmark]
    public async Task PutContinue()
    {
        var id = CheckpointIds.NewId();
        var record = SampleData.ChatRecord("t", id, _last, _step, _blob);
        await _saver.PutAsync(record, [new BlobChunk(_blob, _step, _chunk)], PutMode.Continue).ConfigureAwait(false);
        _last = id;
        _step++;
    }

    [Benchmark]
    public Task<CheckpointTuple?> GetLatest() => _saver.GetAsync("t", "", null);

    [Benchmark]
    public Task<CheckpointTuple?> GetById() => _saver.GetByIdAsync(_mid);

    /// <summary>The message chunks of the step-50 checkpoint (one run of 50 chunks).</summary>
    [Benchmark]
    public Task<IReadOnlyList<BlobChunk>> ReadChunks50() => _saver.ReadChunksAsync("t", "", [new BlobRun(_blob, Seeded / 2)]);

    private async Task SetupAsync()
    {
        _target = await SaverTargets.CreateAsync(Saver, _directory, keepFiles: false, TextWriter.Null).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"saver '{Saver}' is not available");
        _store = await _target.CreateStoreAsync("micro").ConfigureAwait(false);
        _saver = _store.Saver;
        _blob = Guid.CreateVersion7();
        _chunk = CheckpointSerializer.Default.Serialize(new List<Message> { new("assistant", MessageText.For(1)) });
        Guid? parent = null;
        for (_step = 0; _step < Seeded; _step++)
        {
            var id = CheckpointIds.NewId();
            await _saver.PutAsync(SampleData.ChatRecord("t", id, parent, _step, _blob), [new BlobChunk(_blob, _step, _chunk)], PutMode.Continue).ConfigureAwait(false);
            parent = _last = id;
            if (_step == Seeded / 2)
            {
                _mid = id;
            }
        }
    }
}
