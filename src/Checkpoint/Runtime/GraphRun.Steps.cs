using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>The pieces of a run, for hosts that schedule them one by one (see <see cref="StepRunner{TState}"/>).</summary>
internal sealed partial class GraphRun<TState>
{
    public async Task<StepPlan> StartAsync(object input, CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
        await using var writer = new CheckpointWriter(graph.Saver, Durability.Sync, stored?.Checkpoint.Id, cancellationToken);
        var record = await WriteInputAsync(stored, input, writer).ConfigureAwait(false);
        record = await CompactAsync(writer, record, cancellationToken).ConfigureAwait(false);
        return Plan(new CheckpointTuple(record, []));
    }

    public async Task<StepPlan?> PlanAsync(CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return stored is null ? null : Plan(stored);
    }

    /// <summary>Runs the task of the next step with <paramref name="taskId"/>, or else the one of next node <paramref name="node"/> (not a Send's).</summary>
    public async Task<TaskRunResult> RunTaskAsync(string? node, string? taskId, CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
        var current = stored!.Checkpoint;
        var tasks = StepTask.Of(current);
        var task = tasks.FirstOrDefault(t => taskId is not null ? t.Id == taskId : t.Node == node && t.SendIndex is null)
            ?? throw new InvalidOperationException(taskId is not null
                ? $"Task '{taskId}' is not in the next step of checkpoint {current.Id} (tasks: {string.Join(", ", tasks.Select(t => $"{t.Label} {t.Id}"))})."
                : $"Node '{node}' is not in the next step of checkpoint {current.Id} (next: {string.Join(", ", current.NextNodes)})"
                  + (current.Sends.Any(send => send.Node == node) ? "; its Sends run by task id." : "."));

        node = task.Node;
        await using var writer = new CheckpointWriter(graph.Saver, Durability.Sync, current.Id, cancellationToken);
        var outcome = (await RunTasksAsync(current, [.. stored.PendingWrites], writer, cancellationToken, onlyTaskId: task.Id).ConfigureAwait(false)).Single();
        if (outcome.FromStorage)
        {
            return new TaskRunResult(node, outcome.TaskId, TaskRunStatus.AlreadyCompleted, []);
        }

        if (outcome.Succeeded)
        {
            return new TaskRunResult(node, outcome.TaskId, TaskRunStatus.Completed, []);
        }

        var interrupts = await SettleFailuresAsync(current, [outcome], writer).ConfigureAwait(false); // throws a node error
        return new TaskRunResult(node, outcome.TaskId, TaskRunStatus.Interrupted, interrupts);
    }

    public async Task<StepPlan> CommitAsync(CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
        var current = stored!.Checkpoint;
        if (!Successors.Any(current))
        {
            return Plan(stored);
        }

        if (await FindChildAsync(current, cancellationToken).ConfigureAwait(false) is { } committed)
        {
            // A retried commit: the step's checkpoint is stored, its compaction may not be.
            _values = await graph.LoadValuesAsync(committed.Checkpoint, new ChunkCache(), cancellationToken).ConfigureAwait(false);
            return Plan(await CompactCommittedAsync(committed, cancellationToken).ConfigureAwait(false));
        }

        var outcomes = new List<TaskOutcome>();
        foreach (var task in StepTask.Of(current))
        {
            var outcome = new TaskOutcome(task) { FromStorage = true, Saved = true };
            var taskWrites = stored.PendingWrites.Where(w => w.TaskId == outcome.TaskId).OrderBy(w => w.Index).ToList();
            if (!WriteCodec<TState>.IsCompleted(taskWrites))
            {
                throw new InvalidOperationException($"Cannot commit step {current.Step + 1} of thread '{current.ThreadId}': task '{task.Label}' has not completed.");
            }

            graph.Writes.Decode(current, outcome, taskWrites);
            outcomes.Add(outcome);
        }

        await using var writer = new CheckpointWriter(graph.Saver, Durability.Sync, current.Id, cancellationToken);
        var ran = outcomes.Select(o => o.Node).Distinct().ToList();
        var changed = Apply(outcomes.Select(o => (o.Task.Label, o.Writes)), current.Step + 1);
        _mode = PutMode.Continue; // the step's one successor: a second committer gets a conflict
        try
        {
            var record = await WriteCheckpointAsync(writer, current, CheckpointSource.Loop, changed, ran, NextAfter(outcomes)).ConfigureAwait(false);
            await writer.FlushAsync().ConfigureAwait(false);
            return Plan(await CompactCommittedAsync(new CheckpointTuple(record, []), cancellationToken).ConfigureAwait(false));
        }
        catch (CheckpointConflictException)
        {
            var child = await FindChildAsync(current, cancellationToken).ConfigureAwait(false);
            return child is not null ? Plan(child) : throw new InvalidOperationException($"Checkpoint {current.Id} has a successor that cannot be found.");
        }
    }

    /// <summary>
    /// The compaction of a committed step's checkpoint (whose values are loaded): the stored one when an
    /// earlier attempt wrote it, else a new one; the step itself when nothing is compacted.
    /// </summary>
    private async Task<CheckpointTuple> CompactCommittedAsync(CheckpointTuple committed, CancellationToken cancellationToken)
    {
        if (graph.Compactors.Count == 0 || committed.PendingWrites.Count > 0)
        {
            return committed;
        }

        if (await FindChildAsync(committed.Checkpoint, cancellationToken, CheckpointSource.Compact).ConfigureAwait(false) is { } stored)
        {
            _values = await graph.LoadValuesAsync(stored.Checkpoint, new ChunkCache(), cancellationToken).ConfigureAwait(false);
            return stored;
        }

        _mode = PutMode.Continue;
        await using var writer = new CheckpointWriter(graph.Saver, Durability.Sync, committed.Checkpoint.Id, cancellationToken);
        try
        {
            var record = await CompactAsync(writer, committed.Checkpoint, cancellationToken).ConfigureAwait(false);
            return record == committed.Checkpoint ? committed : new CheckpointTuple(record, []);
        }
        catch (CheckpointConflictException)
        {
            // Another attempt compacted (or continued) it first.
            return await FindChildAsync(committed.Checkpoint, cancellationToken, CheckpointSource.Compact).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Checkpoint {committed.Checkpoint.Id} has a successor that is not its compaction.");
        }
    }

    public async Task SaveResumeAsync(Command command, CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
        await using var writer = new CheckpointWriter(graph.Saver, Durability.Sync, stored!.Checkpoint.Id, cancellationToken);
        await ResumeAsync(stored.Checkpoint, [.. stored.PendingWrites], command, writer).ConfigureAwait(false);
    }

    private StepPlan Plan(CheckpointTuple tuple)
    {
        var record = tuple.Checkpoint;
        var snapshot = SnapshotBuilder.Build(tuple, _schema.Materialize(_values, graph.Saver.Serializer), graph.Writes);
        return new StepPlan(
            snapshot.Config,
            record.Step,
            snapshot.Next,
            snapshot.Tasks.Where(t => t.Completed).Select(t => t.Node).ToList(),
            snapshot.Interrupts)
        {
            Tasks = snapshot.Tasks,
        };
    }

    /// <summary>The checkpoint that continued <paramref name="parent"/> in its namespace, if any (it is newer, so the scan stops at the parent).</summary>
    private async Task<CheckpointTuple?> FindChildAsync(CheckpointRecord parent, CancellationToken cancellationToken, CheckpointSource source = CheckpointSource.Loop)
    {
        var filter = new CheckpointFilter { ThreadId = parent.ThreadId, Namespace = parent.Namespace };
        await foreach (var tuple in graph.Saver.ListAsync(filter, cancellationToken).ConfigureAwait(false))
        {
            if (tuple.Checkpoint.Id == parent.Id)
            {
                break;
            }

            if (tuple.Checkpoint.ParentId == parent.Id && tuple.Checkpoint.Source == source)
            {
                return tuple;
            }
        }

        return null;
    }
}
