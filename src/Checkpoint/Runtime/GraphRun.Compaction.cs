using System.Globalization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>Compacting list channels between steps.</summary>
internal sealed partial class GraphRun<TState>
{
    /// <summary>The metadata key naming the channels a compact checkpoint compacted (comma-separated).</summary>
    public const string CompactedKey = "compacted";

    /// <summary>
    /// After <paramref name="current"/> was written (or loaded to continue): when a trigger fires on the
    /// current values and the checkpoint has no interrupts, runs the compactors and writes a checkpoint of
    /// source <see cref="CheckpointSource.Compact"/> (same step and next nodes, only the compacted channels'
    /// versions bumped, a Continue child of <paramref name="current"/>); returns it, or
    /// <paramref name="current"/> when nothing was compacted.
    /// </summary>
    private async Task<CheckpointRecord> CompactAsync(CheckpointWriter writer, CheckpointRecord current, CancellationToken cancellationToken)
    {
        if (graph.Compactors.Count == 0 || current.Interrupts.Count > 0)
        {
            return current;
        }

        var compactions = new Dictionary<string, (Array Head, int KeepFrom)>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(config.CheckpointMetadata, StringComparer.Ordinal);
        var newValues = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var compactor in graph.Compactors)
        {
            var value = _values.GetValueOrDefault(compactor.Channel);
            if (!compactor.Fires(value))
            {
                continue;
            }

            // The compactor gets a list of its own (shared only when immutable): it cannot change the engine's.
            var channel = _schema[compactor.Channel];
            if (await compactor.CompactAsync(channel.Copy(value, graph.Saver.Serializer), cancellationToken).ConfigureAwait(false) is not { } compaction)
            {
                continue;
            }

            var before = channel.CountItems(value);
            var compacted = channel.Copy(channel.FromItemArrays([compaction.Head, channel.ItemsFrom(value, compaction.KeepFrom)]), graph.Saver.Serializer);
            compactions[compactor.Channel] = compaction;
            newValues[compactor.Channel] = compacted;
            metadata[$"{CompactedKey}.{compactor.Channel}.before"] = before.ToString(CultureInfo.InvariantCulture);
            metadata[$"{CompactedKey}.{compactor.Channel}.after"] = channel.CountItems(compacted).ToString(CultureInfo.InvariantCulture);
        }

        if (compactions.Count == 0)
        {
            return current;
        }

        metadata[CompactedKey] = string.Join(",", compactions.Keys);
        var (channels, chunks) = graph.Codec.EncodeCompaction(current.Channels, compactions, _mode, config.ThreadId, config.Namespace);
        var record = new CheckpointRecord
        {
            Id = CheckpointIds.NewId(_time),
            ThreadId = config.ThreadId,
            Namespace = config.Namespace,
            ParentId = current.Id,
            Step = current.Step,
            Source = CheckpointSource.Compact,
            CreatedAt = _time.GetUtcNow(),
            Channels = channels,
            VersionsSeen = current.VersionsSeen,
            NextNodes = current.NextNodes,
            Sends = current.Sends,
            Interrupts = [],
            Metadata = metadata,
        };
        await writer.PutAsync(record, chunks, _mode).ConfigureAwait(false);
        _mode = PutMode.Continue;
        foreach (var (name, value) in newValues)
        {
            _values[name] = value;
        }

        Telemetry.Checkpoints.Add(1);
        Log.Compacted(graph.Logger, config.ThreadId, current.Step, metadata[CompactedKey], record.Id);
        return record;
    }

    /// <summary>Compacts a stored checkpoint a run continues from (repairing a crash between a step's checkpoint and its compaction).</summary>
    private Task<CheckpointRecord> CompactStoredAsync(CheckpointWriter writer, CheckpointTuple stored, CancellationToken cancellationToken) =>
        stored.PendingWrites.Count > 0 ? Task.FromResult(stored.Checkpoint) : CompactAsync(writer, stored.Checkpoint, cancellationToken);
}
