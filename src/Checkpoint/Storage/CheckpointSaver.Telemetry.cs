using System.Runtime.CompilerServices;
using Checkpoint.Runtime;

namespace Checkpoint.Storage;

/// <summary>
/// The observed paths of the public get, list, put and put-writes methods (see <see cref="SaverCall"/>): taken only
/// while a listener is attached, so an unobserved saver pays one check per call. Each is an async method, so the
/// span it starts is the current activity inside the saver's call only, never in the caller's context afterwards.
/// </summary>
public abstract partial class CheckpointSaver
{
    private async Task<CheckpointTuple?> TracedGetAsync(string threadId, string checkpointNamespace, Guid? checkpointId, CancellationToken cancellationToken)
    {
        using var call = SaverCall.Start(this, "get", CheckpointTelemetry.SaverGetSpan, threadId);
        try
        {
            var tuple = await GetCoreAsync(threadId, checkpointNamespace, checkpointId, cancellationToken).ConfigureAwait(false);
            call.Checkpoint(tuple?.Checkpoint);
            return tuple;
        }
        catch (Exception exception)
        {
            call.Fail(exception);
            throw;
        }
    }

    private async Task<CheckpointTuple?> TracedGetByIdAsync(Guid checkpointId, CancellationToken cancellationToken)
    {
        using var call = SaverCall.Start(this, "get", CheckpointTelemetry.SaverGetSpan, threadId: null);
        call.Tag(CheckpointTelemetry.CheckpointIdTag, checkpointId.ToString());
        try
        {
            var tuple = await GetByIdCoreAsync(checkpointId, cancellationToken).ConfigureAwait(false);
            if (tuple is not null)
            {
                call.Tag(CheckpointTelemetry.ThreadIdTag, tuple.Checkpoint.ThreadId).Tag(CheckpointTelemetry.StepTag, tuple.Checkpoint.Step);
            }

            return tuple;
        }
        catch (Exception exception)
        {
            call.Fail(exception);
            throw;
        }
    }

    private async IAsyncEnumerable<CheckpointTuple> TracedListAsync(CheckpointFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var call = SaverCall.Start(this, "list", CheckpointTelemetry.SaverListSpan, filter.ThreadId);
        var count = 0;
        await using var enumerator = ListCoreAsync(filter, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (Exception exception)
            {
                call.Fail(exception);
                throw;
            }

            count++;
            yield return enumerator.Current;
        }

        call.Tag("checkpoint.count", count);
    }

    private async Task TracedPutAsync(CheckpointRecord checkpoint, IReadOnlyList<BlobChunk> newChunks, PutMode mode, CancellationToken cancellationToken)
    {
        using var call = SaverCall.Start(this, "put", CheckpointTelemetry.SaverPutSpan, checkpoint.ThreadId);
        // The value bytes this put stores: inline channel values travel in the record, the others in new chunks.
        long bytes = 0;
        foreach (var channel in checkpoint.Channels.Values)
        {
            bytes += channel.Inline?.Length ?? 0;
        }

        foreach (var chunk in newChunks)
        {
            bytes += chunk.Data.Length;
        }

        call.Checkpoint(checkpoint);
        call.Tag(CheckpointTelemetry.BytesTag, bytes);
        try
        {
            await PutCoreAsync(checkpoint, newChunks, mode, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            call.Fail(exception);
            throw;
        }

        Telemetry.CheckpointSize.Record(bytes, new KeyValuePair<string, object?>(CheckpointTelemetry.SaverTag, GetType().Name));
    }

    private async Task TracedPutWritesAsync(
        string threadId, string checkpointNamespace, Guid checkpointId, IReadOnlyList<PendingWrite> writes, CancellationToken cancellationToken)
    {
        using var call = SaverCall.Start(this, "put_writes", CheckpointTelemetry.SaverPutWritesSpan, threadId);
        call.Tag(CheckpointTelemetry.CheckpointIdTag, checkpointId.ToString()).Tag(CheckpointTelemetry.WritesTag, writes.Count);
        try
        {
            await PutWritesCoreAsync(threadId, checkpointNamespace, checkpointId, writes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            call.Fail(exception);
            throw;
        }
    }
}
