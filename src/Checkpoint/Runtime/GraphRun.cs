using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Checkpoint.Channels;
using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// One invocation of a compiled graph on a thread: the bulk-synchronous loop. Each superstep runs
/// every next node in parallel, saves their writes as they finish (when several run, so a crash or
/// error re-runs only the unfinished ones), applies the writes through the reducers in node order,
/// picks the next nodes from the edges, and writes a checkpoint.
/// </summary>
internal sealed partial class GraphRun<TState>(CompiledGraph<TState> graph, RunConfig config)
    where TState : class, new()
{

    private readonly StateSchema<TState> _schema = graph.Schema;
    private readonly TimeProvider _time = graph.Options.TimeProvider;
    private readonly HashSet<string> _interruptBefore = [.. graph.Options.InterruptBefore];
    private readonly HashSet<string> _interruptAfter = [.. graph.Options.InterruptAfter];

    // A run from the thread's latest checkpoint continues it; one from a named checkpoint may be a fork.
    private PutMode _mode = config.CheckpointId is null ? PutMode.Continue : PutMode.Branch;
    private Dictionary<string, object?> _values = [];

    // Set once a step's tasks have been started off the caller's thread (see ExecuteAsync).
    private bool _leftCaller;

    /// <summary>The state the run stopped with.</summary>
    public TState? FinalValues { get; private set; }

    /// <summary>The checkpoint the run stopped at (its last one, or the one an interrupt holds).</summary>
    public CheckpointRecord? FinalRecord { get; private set; }

    /// <summary>The run's config (with the thread's subject) at <see cref="FinalRecord"/>.</summary>
    public RunConfig FinalConfig => config with { CheckpointId = FinalRecord?.Id };

    /// <summary>
    /// False when no one reads the states of <see cref="StepCompleted{TState}"/> events (InvokeAsync):
    /// they are left null, sparing a copy of every mutable channel at every step.
    /// </summary>
    public bool EmitStates { get; init; } = true;

    /// <summary>Where nodes' custom events (<see cref="NodeContext.Emit"/>) go while the run streams; null drops them.</summary>
    public System.Threading.Channels.Channel<GraphEvent<TState>>? Emitted { get; init; }

    private async IAsyncEnumerable<GraphEvent<TState>> RunStepsAsync(object? input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
        await using var writer = new CheckpointWriter(graph.Saver, config.Durability, stored?.Checkpoint.Id, cancellationToken);
        CheckpointRecord current;
        List<PendingWrite> pending;

        if (input is null or Command)
        {
            current = stored?.Checkpoint ?? throw new InvalidOperationException(
                $"Thread '{config.ThreadId}' has no checkpoint to continue; pass an input to start a run.");
            pending = [.. stored.PendingWrites];
            if (input is Command command)
            {
                pending.AddRange(await ResumeAsync(current, pending, command, writer).ConfigureAwait(false));
            }
            else
            {
                current = await CompactStoredAsync(writer, stored, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            current = await WriteInputAsync(stored, input, writer).ConfigureAwait(false);
            pending = [];
            yield return Completed(current);
            if (current.Interrupts.Count > 0)
            {
                await writer.FlushAsync().ConfigureAwait(false);
                FinalValues = _schema.Materialize(_values, graph.Saver.Serializer);
                FinalRecord = current;
                yield return new RunInterrupted<TState>(current.Step, current.Interrupts.Select(InterruptIds.ToInterrupt).ToList());
                yield break;
            }

            current = await CompactAsync(writer, current, cancellationToken).ConfigureAwait(false);
        }

        var steps = 0;
        while (Successors.Any(current))
        {
            if (++steps > config.RecursionLimit)
            {
                await writer.FlushAsync().ConfigureAwait(false);
                throw new GraphRecursionException(config.RecursionLimit);
            }

            _trace.StepStarted(config.ThreadId, current.Step + 1);
            var running = RunTasksAsync(current, pending, writer, cancellationToken);
            if (Emitted is { } emitted)
            {
                // Custom events stream while the step's nodes run, not after.
                while (!running.IsCompleted)
                {
                    _ = await Task.WhenAny(running, emitted.Reader.WaitToReadAsync(cancellationToken).AsTask()).ConfigureAwait(false);
                    while (emitted.Reader.TryRead(out var custom))
                    {
                        yield return custom;
                    }
                }

                while (emitted.Reader.TryRead(out var custom))
                {
                    yield return custom;
                }
            }

            var outcomes = await running.ConfigureAwait(false);
            var interrupts = await SettleFailuresAsync(current, outcomes, writer).ConfigureAwait(false);
            if (interrupts.Count > 0)
            {
                await writer.FlushAsync().ConfigureAwait(false);
                FinalValues = _schema.Materialize(_values, graph.Saver.Serializer);
                FinalRecord = current;
                Log.Interrupted(graph.Logger, config.ThreadId, current.Step + 1, interrupts.Count);
                yield return new RunInterrupted<TState>(current.Step + 1, interrupts);
                yield break;
            }

            var ran = outcomes.Select(o => o.Node).Distinct().ToList();
            var changed = await ApplyOrFlushAsync(outcomes, current.Step + 1, writer).ConfigureAwait(false);
            current = await WriteCheckpointAsync(writer, current, CheckpointSource.Loop, changed, ran, NextAfter(outcomes)).ConfigureAwait(false);
            pending = [];
            _trace.StepCompleted(current);
            Log.StepCompleted(graph.Logger, config.ThreadId, current.Step, string.Join(",", ran), current.Id);
            foreach (var outcome in outcomes.Where(o => !o.FromStorage))
            {
                yield return new NodeUpdated<TState>(current.Step, outcome.Node, ToUpdate(outcome));
            }

            yield return Completed(current);
            if (current.Interrupts.Count > 0)
            {
                break;
            }

            current = await CompactAsync(writer, current, cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync().ConfigureAwait(false);
        FinalValues = _schema.Materialize(_values, graph.Saver.Serializer);
        FinalRecord = current;
        if (current.Interrupts.Count > 0)
        {
            yield return new RunInterrupted<TState>(current.Step, current.Interrupts.Select(InterruptIds.ToInterrupt).ToList());
        }
        else if (current.Id != stored?.Checkpoint.Id && graph.Options.RunEndedHandlers.Count > 0)
        {
            // Continuing a thread that had already ended ran nothing: no new end to report.
            var ended = new RunEnded(FinalConfig, current.Step, _schema.Materialize(_values, graph.Saver.Serializer));
            await graph.NotifyRunEndedAsync(ended, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes a manual update as a new checkpoint; returns its id.</summary>
    public async Task<Guid> UpdateAsync(Update<TState> update, string? asNode, CancellationToken cancellationToken)
    {
        var stored = await LoadAsync(cancellationToken).ConfigureAwait(false);
        await using var writer = new CheckpointWriter(graph.Saver, Durability.Sync, stored?.Checkpoint.Id, cancellationToken);
        var step = (stored?.Checkpoint.Step ?? -2) + 1;
        var changed = Apply([(asNode ?? "update", update.Writes)], step);
        var next = asNode is not null ? NextFrom([asNode])
            : stored is not null ? Successors.Of(stored.Checkpoint)
            : new Successors([], []);
        var record = await WriteCheckpointAsync(
            writer, stored?.Checkpoint, CheckpointSource.Update, changed, asNode is null ? [] : [asNode], next, staticInterrupts: false).ConfigureAwait(false);
        return record.Id;
    }

    private async Task<CheckpointTuple?> LoadAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrWhiteSpace(config.ThreadId, "config.ThreadId");
        ArgumentNullException.ThrowIfNull(config.Namespace, "config.Namespace");
        var stored = await graph.Saver.GetAsync(config.ThreadId, config.Namespace, config.CheckpointId, cancellationToken).ConfigureAwait(false);
        if (stored is null && config.CheckpointId is { } id)
        {
            throw new InvalidOperationException($"Checkpoint {id} was not found in thread '{config.ThreadId}' (namespace '{config.Namespace}').");
        }

        if (config.SubjectId is null && stored?.Checkpoint.Metadata.TryGetValue(RunConfig.SubjectMetadataKey, out var subject) == true)
        {
            // A thread's subject sticks: a later run that names none (a resume, a Durable Task step) keeps it on every
            // checkpoint it writes, so erasure finds them all.
            config = config with { SubjectId = subject };
        }

        _values = stored is null
            ? _schema.DefaultValues(graph.Saver.Serializer)
            : await graph.LoadValuesAsync(stored.Checkpoint, new ChunkCache(), cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <summary>Applies an input to the stored state in a new input checkpoint.</summary>
    private Task<CheckpointRecord> WriteInputAsync(CheckpointTuple? stored, object input, CheckpointWriter writer)
    {
        var changed = Apply([("input", InputWrites(input))], step: (stored?.Checkpoint.Step ?? -2) + 1);
        return WriteCheckpointAsync(writer, stored?.Checkpoint, CheckpointSource.Input, changed, ranNodes: [], NextFrom([Graph.Start]));
    }

    private IReadOnlyList<KeyValuePair<string, object?>> InputWrites(object input) => input switch
    {
        Update<TState> update => update.Writes,
        TState state => _schema.Channels
            .Select(channel => (channel, value: channel.Get(state)))
            .Where(c => !c.channel.IsUnset(c.value, c.channel.Get(_schema.Defaults)))
            .Select(c => new KeyValuePair<string, object?>(c.channel.Name, c.value))
            .ToList(),
        _ => throw new ArgumentException(
            $"Input must be a {typeof(TState).Name}, an Update<{typeof(TState).Name}>, a Command or null, not {input.GetType().Name}.", nameof(input)),
    };

    /// <summary>Saves the resume value for every open interrupt of the checkpoint; returns the saved writes.</summary>
    private async Task<List<PendingWrite>> ResumeAsync(CheckpointRecord current, List<PendingWrite> pending, Command command, CheckpointWriter writer)
    {
        var open = SpecialChannels.OpenInterrupts(pending).ToList();
        if (open.Count == 0)
        {
            return current.Interrupts.Count > 0
                ? [] // a static interrupt: the run simply continues
                : throw new InvalidOperationException($"Thread '{config.ThreadId}' has no pending interrupt to resume (checkpoint {current.Id}).");
        }

        if (command.ResumeValues is { } byId)
        {
            var openIds = open.Select(i => InterruptIds.Dynamic(i.TaskId, i.Index)).ToHashSet(StringComparer.Ordinal);
            if (byId.Keys.FirstOrDefault(id => !openIds.Contains(id)) is { } unknown)
            {
                throw new ArgumentException(
                    $"Thread '{config.ThreadId}' has no pending interrupt '{unknown}' to resume (checkpoint {current.Id}); pending: {string.Join(", ", openIds.Order(StringComparer.Ordinal))}.",
                    nameof(command));
            }

            open = open.Where(i => byId.ContainsKey(InterruptIds.Dynamic(i.TaskId, i.Index))).ToList();
        }

        _resumeType = command.ResumeValues is null ? command.ResumeValue?.GetType() : null;
        object? ValueFor(PendingWrite interrupt) =>
            command.ResumeValues is { } values ? values[InterruptIds.Dynamic(interrupt.TaskId, interrupt.Index)] : command.ResumeValue;
        foreach (var interrupt in open.Where(i => graph.Nodes.TryGetValue(i.Node, out var spec) && spec.Subgraph is not null))
        {
            // Into the subgraph first: a crash before the parent's resume is saved leaves it to be resumed again, harmlessly.
            await graph.Nodes[interrupt.Node].Subgraph!.ForwardResumeAsync(
                graph.Saver, config.ThreadId, config.Namespace, interrupt.TaskId, ValueFor(interrupt), writer.CancellationToken).ConfigureAwait(false);
        }

        var resumes = open.Select(i => graph.Writes.Resume(current, i.TaskId, i.Node, i.Index, ValueFor(i))).ToList();
        foreach (var task in resumes.GroupBy(r => r.TaskId))
        {
            await writer.PutWritesAsync(current, [.. task]).ConfigureAwait(false);
        }

        return resumes;
    }

    private async Task<List<TaskOutcome>> RunTasksAsync(
        CheckpointRecord current, List<PendingWrite> pending, CheckpointWriter writer, CancellationToken cancellationToken, string? onlyTaskId = null)
    {
        var step = current.Step + 1;
        var outcomes = StepTask.Of(current).Where(task => onlyTaskId is null || task.Id == onlyTaskId).Select(task => new TaskOutcome(task)).ToList();
        var saveEach = (outcomes.Count > 1 || onlyTaskId is not null) && config.Durability != Durability.Exit;
        var running = new List<Task>();
        foreach (var outcome in outcomes)
        {
            var taskWrites = pending.Where(w => w.TaskId == outcome.TaskId).OrderBy(w => w.Index).ToList();
            if (WriteCodec<TState>.IsCompleted(taskWrites))
            {
                outcome.FromStorage = outcome.Saved = true;
                graph.Writes.Decode(current, outcome, taskWrites);
                continue;
            }

            var resumeValues = taskWrites.Where(w => w.Channel == SpecialChannels.Resume).Select(w => graph.Writes.Payload(current, w)).ToList();
            var context = new NodeContext(
                config.ThreadId, current.Id, outcome.Node, step, outcome.TaskId, resumeValues, graph.Saver.Serializer, cancellationToken, graph.Options.Services,
                emit: Emitted is { } emitted ? (from, payload) => emitted.Writer.TryWrite(new NodeEmitted<TState>(from.Step, from.Node, from.TaskId, payload)) : null,
                argument: ArgumentReader(current, outcome.Task))
            {
                Namespace = config.Namespace,
                Saver = graph.Saver,
                SubjectId = config.SubjectId,
            };
            running.Add(ExecuteAsync(outcome, current, context, saveEach, writer, yieldFirst: outcomes.Count > 1 || !_leftCaller));
        }

        _leftCaller |= running.Count > 0;
        await Task.WhenAll(running).ConfigureAwait(false);
        return outcomes;
    }

    private async Task ExecuteAsync(TaskOutcome outcome, CheckpointRecord current, NodeContext context, bool saveEach, CheckpointWriter writer, bool yieldFirst)
    {
        using var activity = Telemetry.StartNode(config.ThreadId, outcome.Node, context.Step, current.Id, outcome.TaskId);
        try
        {
            if (yieldFirst)
            {
                // Parallel nodes start together even when one runs synchronously, and the caller gets its task back
                // before the first node runs. A later step's only task runs at once: a thread-pool hop per step
                // was a third of a step's cost on the chat-loop workload.
                await Task.Yield();
            }

            await RunNodeAsync(graph.Nodes[outcome.Node], outcome, context).ConfigureAwait(false);
        }
        catch (NodeInterruptSignal signal)
        {
            outcome.Interrupt = signal;
            return;
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            outcome.Error = ex;
            Telemetry.Fail(activity, ex);
            Log.NodeFailed(graph.Logger, ex, config.ThreadId, outcome.Node, context.Step);
            return;
        }

        if (saveEach)
        {
            await writer.PutWritesAsync(current, graph.Writes.Encode(current, outcome)).ConfigureAwait(false);
            outcome.Saved = true;
        }
    }

    /// <summary>
    /// When a task failed or interrupted: saves every finished task's writes, the errors and the
    /// interrupts against the step's checkpoint, then throws the first error or returns the interrupts.
    /// An interrupt raised again because its resume value had the wrong type replaces that value
    /// (same write key), so it is pending again; the mismatch is then thrown.
    /// </summary>
    private async Task<IReadOnlyList<Interrupt>> SettleFailuresAsync(CheckpointRecord current, List<TaskOutcome> outcomes, CheckpointWriter writer)
    {
        if (outcomes.All(o => o.Succeeded))
        {
            return [];
        }

        var writes = new List<PendingWrite>();
        foreach (var outcome in outcomes)
        {
            if (outcome.Succeeded && !outcome.Saved)
            {
                writes.AddRange(graph.Writes.Encode(current, outcome));
            }
            else if (outcome.Error is { } error)
            {
                writes.Add(graph.Writes.Error(current, outcome.TaskId, outcome.Node, error, outcome.Attempts));
            }
            else if (outcome.Interrupt is { } signal)
            {
                writes.Add(graph.Writes.Interrupt(current, outcome.TaskId, outcome.Node, signal));
            }
        }

        await writer.PutWritesAsync(current, writes).ConfigureAwait(false);
        if (outcomes.FirstOrDefault(o => o.Error is not null) is { Error: { } first })
        {
            await writer.FlushAsync().ConfigureAwait(false);
            ExceptionDispatchInfo.Throw(first);
        }

        if (outcomes.FirstOrDefault(o => o.Interrupt?.Rejected is not null) is { Interrupt.Rejected: { } rejected } refused)
        {
            await writer.FlushAsync().ConfigureAwait(false);
            throw ResumeRejected(current, refused.Node, rejected);
        }

        return writes.Where(w => w.Channel == SpecialChannels.Interrupt).Select(w => graph.Writes.ToInterrupt(current, w)).ToList();
    }

    private async Task<HashSet<string>> ApplyOrFlushAsync(List<TaskOutcome> outcomes, int step, CheckpointWriter writer)
    {
        try
        {
            return Apply(outcomes.Select(o => (o.Task.Label, o.Writes)), step);
        }
        catch (Exception ex) when (ex is InvalidUpdateException or CheckpointLimitExceededException)
        {
            // Like a node error: the checkpoints before this step are kept (Exit mode has not stored them yet).
            await writer.FlushAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Applies writes through the reducers, in the given order (writers named by task label); returns the channels written.</summary>
    private HashSet<string> Apply(IEnumerable<(string Writer, IReadOnlyList<KeyValuePair<string, object?>> Writes)> writers, int step)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        var lastValueWriter = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (node, writes) in writers)
        {
            foreach (var (name, value) in writes)
            {
                var channel = _schema[name];
                if (channel.Kind == ReducerKind.LastValue && !lastValueWriter.TryAdd(name, node) && lastValueWriter[name] != node)
                {
                    throw new InvalidUpdateException(
                        $"Channel '{name}' has no reducer but was written by '{lastValueWriter[name]}' and '{node}' in step {step}. " +
                        "Give it a reducer ([Append], [MergeByKey] or WithReducer) or let only one node write it.");
                }

                try
                {
                    _values[name] = channel.Apply(_values.GetValueOrDefault(name), value, graph.Saver.Serializer); // takes the update by value
                }
                catch (CheckpointLimitExceededException ex) when (ex.ThreadId is null)
                {
                    throw ex.InThread(config.ThreadId); // a cycle or an over-deep value, caught when the update is copied
                }

                changed.Add(name);
            }
        }

        return changed;
    }

    // Fills the outcome's writes and goto targets: from the node cache when the node has a cache policy and ran on this
    // state before, else by running it (under its retry and timeout policies), then caching what it returned.
    private async Task RunNodeAsync(NodeSpec<TState> node, TaskOutcome outcome, NodeContext context)
    {
        var results = node.Options.Cache is null ? null : graph.NodeResults;
        var cacheKey = results?.Key(node.Name, _schema.Materialize(_values, graph.Saver.Serializer), outcome.Task.Argument);
        if (cacheKey is not null && await results!.TryLoadAsync(cacheKey, outcome, context.CancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var update = await NodeAttempts.RunAsync(node, () => _schema.Materialize(_values, graph.Saver.Serializer), context, outcome, graph.Options.TimeProvider)
            .ConfigureAwait(false);
        outcome.Writes = update?.Writes ?? [];
        outcome.Goto = CheckedTargets(outcome.Node, update?.Targets ?? []);
        if (cacheKey is not null)
        {
            await results!.StoreAsync(cacheKey, outcome, node.Options.Cache!.TimeToLive, context.CancellationToken).ConfigureAwait(false);
        }
    }

    // The step's successors: its nodes' edges (and their Sends), then the nodes they sent the run to with Update.Goto.
    private Successors NextAfter(IReadOnlyList<TaskOutcome> outcomes)
    {
        var next = NextFrom(outcomes.Select(outcome => outcome.Node).Distinct());
        var nodes = (List<string>)next.Nodes;
        nodes.AddRange(outcomes.SelectMany(outcome => outcome.Goto).Where(target => target != Graph.End).Except(nodes).ToList());
        return next;
    }

    // A node may only go where it declared (NodeOptions.Destinations), so Compile's checks and the drawing stay true.
    private IReadOnlyList<string> CheckedTargets(string node, IReadOnlyList<string> targets)
    {
        var declared = graph.Nodes[node].Options.Destinations;
        foreach (var target in targets.Where(target => !declared.Contains(target)))
        {
            throw new InvalidUpdateException(declared.Count == 0
                ? $"Node '{node}' sent the run to '{target}' with Update.Goto but declares no destinations: add NodeOptions.Destinations = [\"{target}\", …]."
                : $"Node '{node}' sent the run to '{target}', which is not among its NodeOptions.Destinations [{string.Join(", ", declared)}].");
        }

        return targets;
    }

    /// <summary>The nodes the edges of <paramref name="from"/> lead to, given the current state (ordered, without End), and their Sends.</summary>
    private Successors NextFrom(IEnumerable<string> from)
    {
        var next = new List<string>();
        var sends = new List<SendRecord>();
        foreach (var node in from)
        {
            foreach (var edge in graph.Edges.Where(e => e.From == node))
            {
                sends.AddRange(edge.Sends(() => _schema.Materialize(_values, graph.Saver.Serializer)).Select(send => ToRecord(node, send)));
                foreach (var target in edge.Targets(() => _schema.Materialize(_values, graph.Saver.Serializer)))
                {
                    if (target != Graph.End && !graph.Nodes.ContainsKey(target))
                    {
                        throw new GraphValidationException($"The edge from '{node}' chose unknown node '{target}'.");
                    }

                    if (target != Graph.End && !next.Contains(target))
                    {
                        next.Add(target);
                    }
                }
            }
        }

        return new Successors(next, sends);
    }

    private async Task<CheckpointRecord> WriteCheckpointAsync(
        CheckpointWriter writer, CheckpointRecord? parent, CheckpointSource source, HashSet<string> changed,
        IReadOnlyList<string> ranNodes, Successors next, bool staticInterrupts = true)
    {
        var id = CheckpointIds.NewId(_time);
        var step = (parent?.Step ?? -2) + 1;
        Dictionary<string, ChannelValueRef> channels;
        List<BlobChunk> chunks;
        try
        {
            (channels, chunks) = graph.Codec.Encode(parent?.Channels ?? new Dictionary<string, ChannelValueRef>(), _values, changed, _mode, config.ThreadId, config.Namespace);
        }
        catch (CheckpointLimitExceededException)
        {
            // Like a node error: the checkpoints before this one are kept (Exit mode has not stored them yet).
            await writer.FlushAsync().ConfigureAwait(false);
            throw;
        }

        var seen = parent?.VersionsSeen.ToDictionary() ?? [];
        var parentVersions = (IReadOnlyDictionary<string, long>)(parent?.Channels.ToDictionary(c => c.Key, c => c.Value.Version) ?? []);
        foreach (var node in ranNodes)
        {
            seen[node] = parentVersions;
        }

        var interrupts = new List<InterruptRecord>();
        if (staticInterrupts)
        {
            interrupts.AddRange(ranNodes.Where(_interruptAfter.Contains).Select(node => InterruptIds.After(node, TaskIds.For(parent!.Id, node, step))));
            interrupts.AddRange(next.Nodes.Concat(next.Sends.Select(send => send.Node)).Distinct().Where(_interruptBefore.Contains)
                .Select(node => InterruptIds.Before(node, TaskIds.For(id, node, step + 1))));
        }

        var record = new CheckpointRecord
        {
            Id = id,
            ThreadId = config.ThreadId,
            Namespace = config.Namespace,
            ParentId = parent?.Id,
            Step = step,
            Source = source,
            CreatedAt = _time.GetUtcNow(),
            Channels = channels,
            VersionsSeen = seen,
            NextNodes = next.Nodes,
            Sends = next.Sends,
            Interrupts = interrupts,
            Metadata = config.CheckpointMetadata,
        };
        await writer.PutAsync(record, chunks, _mode).ConfigureAwait(false);
        _mode = PutMode.Continue;
        Telemetry.Checkpoints.Add(1);
        return record;
    }

    private StepCompleted<TState> Completed(CheckpointRecord record) =>
        new(record.Step, EmitStates ? _schema.Materialize(_values, graph.Saver.Serializer) : null!, record.Id, Successors.TaskNodes(record));

    private static Update<TState> ToUpdate(TaskOutcome outcome)
    {
        var update = new Update<TState>();
        foreach (var (channel, value) in outcome.Writes)
        {
            update.Set(channel, value);
        }

        return update;
    }
}
