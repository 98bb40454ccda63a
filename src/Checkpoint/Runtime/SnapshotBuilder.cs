using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>Builds the <see cref="StateSnapshot{TState}"/> of a stored checkpoint.</summary>
internal static class SnapshotBuilder
{
    public static StateSnapshot<TState> Build<TState>(
        CheckpointTuple tuple, TState values, WriteCodec<TState> writes)
        where TState : class, new()
    {
        var record = tuple.Checkpoint;
        var config = new RunConfig { ThreadId = record.ThreadId, Namespace = record.Namespace, CheckpointId = record.Id };
        var openInterrupts = SpecialChannels.OpenInterrupts(tuple.PendingWrites).ToList();
        var tasks = StepTask.Of(record).Select(task =>
        {
            var taskId = task.Id;
            var taskWrites = tuple.PendingWrites.Where(w => w.TaskId == taskId).ToList();
            var error = taskWrites.FirstOrDefault(w => w.Channel == SpecialChannels.Error) is { } errorWrite
                ? writes.ReadError(record, errorWrite)
                : null;
            return new PendingTask(
                taskId,
                task.Node,
                error,
                openInterrupts.Where(w => w.TaskId == taskId).Select(w => writes.ToInterrupt(record, w)).ToList(),
                WriteCodec<TState>.IsCompleted(taskWrites))
            {
                SendIndex = task.SendIndex,
            };
        }).ToList();

        return new StateSnapshot<TState>
        {
            Values = values,
            Next = Successors.TaskNodes(record),
            Config = config,
            ParentConfig = record.ParentId is { } parent ? config with { CheckpointId = parent } : null,
            Step = record.Step,
            Source = record.Source,
            Metadata = record.Metadata,
            CreatedAt = record.CreatedAt,
            Tasks = tasks,
            Interrupts = [.. record.Interrupts.Select(InterruptIds.ToInterrupt), .. openInterrupts.Select(w => writes.ToInterrupt(record, w))],
        };
    }
}
