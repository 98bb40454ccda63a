using System.Collections.Concurrent;
using Checkpoint.Channels;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>
/// A node that runs a compiled graph as one task: on the parent's thread and saver, in the namespace
/// <c>parent|node:taskId</c> (the task id is deterministic, so a task run again after a crash, an error or an interrupt
/// finds its own subgraph run and continues it instead of starting over). An interrupt inside the subgraph pauses the
/// parent with the subgraph's interrupt value; the parent's resume is forwarded into the subgraph before the task runs again.
/// </summary>
internal sealed class SubgraphNode<TParent, TChild>(
    string node, CompiledGraph<TChild> child, Func<TParent, TChild> input, Func<TParent, TChild, Update<TParent>> output) : ISubgraphNode
    where TParent : class, new()
    where TChild : class, new()
{
    private readonly ConcurrentDictionary<CheckpointSaver, CompiledGraph<TChild>> _bound = new();

    /// <summary>The namespace of the subgraph run of a task.</summary>
    public static string Namespace(string parentNamespace, string node, string taskId) =>
        parentNamespace.Length == 0 ? $"{node}:{taskId}" : $"{parentNamespace}|{node}:{taskId}";

    public async Task<Update<TParent>> RunAsync(TParent state, NodeContext context)
    {
        var graph = Bind(context.Saver!);
        var config = ConfigFor(context.ThreadId, context.Namespace, context.TaskId) with { SubjectId = context.SubjectId };
        var stored = await graph.GetStateAsync(config, context.CancellationToken).ConfigureAwait(false);
        RunResult<TChild> result;
        if (stored is null)
        {
            result = await graph.RunAsync(input(state), config, context.CancellationToken).ConfigureAwait(false);
        }
        else if (stored.Interrupts.Count > 0)
        {
            // Still waiting: the parent has not resumed it (a resume is forwarded before the task runs again).
            result = new RunResult<TChild>(stored.Values, stored.Config, stored.Step, stored.Interrupts);
        }
        else if (stored.Next.Count == 0)
        {
            result = new RunResult<TChild>(stored.Values, stored.Config, stored.Step, []); // it ended, the parent's writes were not saved
        }
        else
        {
            result = await graph.RunAsync(null, config, context.CancellationToken).ConfigureAwait(false); // after a crash, an error or a resume
        }

        if (result.IsInterrupted)
        {
            throw new NodeInterruptSignal(context.ResumeValues.Count, null) { Payload = result.Interrupts[0].Payload };
        }

        return output(state, result.State);
    }

    public async Task ForwardResumeAsync(
        CheckpointSaver saver, string threadId, string parentNamespace, string taskId, object? value, CancellationToken cancellationToken)
    {
        var graph = Bind(saver);
        if (await graph.GetStateAsync(ConfigFor(threadId, parentNamespace, taskId), cancellationToken).ConfigureAwait(false) is { Interrupts.Count: > 0 } waiting)
        {
            await graph.Steps.ResumeAsync(waiting.Config, Command.Resume(value), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<object?> SnapshotAsync(CheckpointSaver saver, string threadId, string parentNamespace, string taskId, CancellationToken cancellationToken) =>
        await Bind(saver).GetStateAsync(ConfigFor(threadId, parentNamespace, taskId), cancellationToken).ConfigureAwait(false);

    // The run of the subgraph of task taskId: every lookup of it (running, resuming, showing) must agree on its namespace.
    private RunConfig ConfigFor(string threadId, string parentNamespace, string taskId) =>
        new() { ThreadId = threadId, Namespace = Namespace(parentNamespace, node, taskId) };

    private CompiledGraph<TChild> Bind(CheckpointSaver saver) => saver == child.Saver ? child : _bound.GetOrAdd(saver, child.WithSaver);
}

/// <summary>The update a same-state subgraph's final state makes to its parent's state.</summary>
internal static class SubgraphOutput
{
    /// <summary>
    /// Per channel of <paramref name="schema"/>: an [Append] list gives the items the subgraph added after those it got, any
    /// other channel its final value when that differs from the value it got (compared as stored bytes).
    /// </summary>
    public static Update<TState> Delta<TState>(StateSchema<TState> schema, Serialization.CheckpointSerializer serializer, TState given, TState final)
        where TState : class, new()
    {
        var update = new Update<TState>();
        foreach (var channel in schema.Channels)
        {
            var (before, after) = (channel.Get(given), channel.Get(final));
            if (channel.Kind == ReducerKind.Append)
            {
                var known = channel.CountItems(before);
                if (channel.CountItems(after) > known)
                {
                    update.Set(channel.Name, channel.FromItemArrays([channel.ItemsFrom(after, known)]));
                }
            }
            else if (!serializer.ToPayload(channel.ValueType, before).AsSpan().SequenceEqual(serializer.ToPayload(channel.ValueType, after)))
            {
                update.Set(channel.Name, after);
            }
        }

        return update;
    }
}
