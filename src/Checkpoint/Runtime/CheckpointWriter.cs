using System.Threading.Channels;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// Writes a run's checkpoints and pending writes as its <see cref="Durability"/> says: at once
/// (Sync), in order through a bounded background queue (Async), or only the last one (Exit).
/// </summary>
internal sealed class CheckpointWriter : IAsyncDisposable
{
    private const int QueueCapacity = 32;

    private readonly CheckpointSaver _saver;
    private readonly Durability _durability;
    private readonly CancellationToken _cancellationToken;
    private readonly Channel<Func<Task>>? _queue;
    private readonly Task? _drain;

    // Exit mode: the newest checkpoint not yet stored, the chunks of every unstored checkpoint
    // before it, and the mode its chain must be put with.
    private CheckpointRecord? _unsaved;
    private List<BlobChunk> _unsavedChunks = [];
    private PutMode _unsavedMode;

    /// <summary>The run's cancellation.</summary>
    public CancellationToken CancellationToken => _cancellationToken;

    public CheckpointWriter(CheckpointSaver saver, Durability durability, Guid? lastStoredId, CancellationToken cancellationToken)
    {
        _saver = saver;
        _durability = durability;
        _cancellationToken = cancellationToken;
        LastStoredId = lastStoredId;
        if (durability == Durability.Async)
        {
            _queue = Channel.CreateBounded<Func<Task>>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });
            _drain = Task.Run(DrainAsync, CancellationToken.None);
        }
    }

    /// <summary>The newest checkpoint that is (or is queued to be) stored.</summary>
    public Guid? LastStoredId { get; private set; }

    public async Task PutAsync(CheckpointRecord record, List<BlobChunk> chunks, PutMode mode)
    {
        switch (_durability)
        {
            case Durability.Sync:
                await _saver.PutAsync(record, chunks, mode, _cancellationToken).ConfigureAwait(false);
                LastStoredId = record.Id;
                break;
            case Durability.Async:
                LastStoredId = record.Id;
                await EnqueueAsync(() => _saver.PutAsync(record, chunks, mode, CancellationToken.None)).ConfigureAwait(false);
                break;
            default:
                if (_unsaved is null)
                {
                    _unsavedMode = mode;
                }
                else if (mode == PutMode.Branch)
                {
                    _unsavedMode = PutMode.Branch;
                }

                _unsaved = record;
                _unsavedChunks.AddRange(chunks);
                break;
        }
    }

    /// <summary>Saves writes against <paramref name="checkpoint"/>, storing that checkpoint first in Exit mode.</summary>
    public async Task PutWritesAsync(CheckpointRecord checkpoint, IReadOnlyList<PendingWrite> writes)
    {
        if (_durability == Durability.Async)
        {
            await EnqueueAsync(() => _saver.PutWritesAsync(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.Id, writes, CancellationToken.None)).ConfigureAwait(false);
            return;
        }

        await StoreUnsavedAsync().ConfigureAwait(false);
        await _saver.PutWritesAsync(checkpoint.ThreadId, checkpoint.Namespace, checkpoint.Id, writes, _cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores everything still pending: the queue (Async) or the last checkpoint (Exit).</summary>
    public async Task FlushAsync()
    {
        if (_queue is not null)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await EnqueueAsync(() =>
            {
                done.SetResult();
                return Task.CompletedTask;
            }).ConfigureAwait(false);
            await Task.WhenAny(done.Task, _drain!).ConfigureAwait(false);
            ThrowIfDrainFailed();
        }

        await StoreUnsavedAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_queue is not null)
        {
            _queue.Writer.TryComplete();
            try
            {
                await _drain!.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already reported by FlushAsync, or the run failed before it and reports its own error.
            }
        }
    }

    private async Task StoreUnsavedAsync()
    {
        if (_unsaved is not { } record)
        {
            return;
        }

        // The unstored checkpoints in between are skipped: the stored one follows the last stored one.
        record = record with { ParentId = LastStoredId };
        await _saver.PutAsync(record, _unsavedChunks, _unsavedMode, _cancellationToken).ConfigureAwait(false);
        LastStoredId = record.Id;
        _unsaved = null;
        _unsavedChunks = [];
    }

    private async Task EnqueueAsync(Func<Task> work)
    {
        ThrowIfDrainFailed();
        try
        {
            await _queue!.Writer.WriteAsync(work, _cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The drain closed the queue because a write failed: surface that failure, not the closed queue.
            await _drain!.ConfigureAwait(false);
            throw;
        }
    }

    private void ThrowIfDrainFailed()
    {
        if (_drain is { IsFaulted: true })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_drain.Exception!.InnerException!);
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            await foreach (var work in _queue!.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                await work().ConfigureAwait(false);
            }
        }
        catch
        {
            // Stop accepting work: the failure surfaces on the next enqueue or flush.
            _queue!.Writer.TryComplete();
            throw;
        }
    }
}
