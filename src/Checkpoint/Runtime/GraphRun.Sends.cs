using Checkpoint.Serialization;
using Checkpoint.Storage;

namespace Checkpoint.Runtime;

/// <summary>Sends: checking and storing the argument of each, and reading it back for its task.</summary>
internal sealed partial class GraphRun<TState>
{
    private const string SendLocation = "__send__";

    /// <summary>The Send as stored in the checkpoint that schedules it; a Send the graph cannot run fails here, naming the edge.</summary>
    private SendRecord ToRecord(string from, Send send)
    {
        if (!graph.Nodes.TryGetValue(send.Node, out var node))
        {
            throw new GraphValidationException($"The fan-out edge from '{from}' sent to unknown node '{send.Node}'. Known nodes: {string.Join(", ", graph.Nodes.Keys)}.");
        }

        if (node.ArgumentType is not { } type)
        {
            throw new GraphValidationException($"The fan-out edge from '{from}' sent to '{send.Node}', which takes no argument: add it with AddNode<TArg>.");
        }

        var fits = send.Argument is null ? !type.IsValueType || Nullable.GetUnderlyingType(type) is not null : type.IsInstanceOfType(send.Argument);
        if (!fits)
        {
            var given = send.Argument is null ? "null" : $"a {TypeNames.Of(send.Argument.GetType())}";
            throw new GraphValidationException($"The fan-out edge from '{from}' sent {given} to '{send.Node}', which takes a {TypeNames.Of(type)}.");
        }

        try
        {
            return new SendRecord(send.Node, graph.Saver.Serializer.ToPayload(type, send.Argument, new BlobLocation(config.ThreadId, null, SendLocation)));
        }
        catch (CheckpointLimitExceededException ex) when (ex.ThreadId is null)
        {
            throw ex.InThread(config.ThreadId);
        }
    }

    /// <summary>Reads the task's Send argument afresh for each attempt (an attempt that changed it leaves the next one unaffected); null without one.</summary>
    private Func<object?>? ArgumentReader(CheckpointRecord current, StepTask task)
    {
        if (task.Argument is not { } bytes)
        {
            return null;
        }

        var type = graph.Nodes[task.Node].ArgumentType!;
        return () => graph.Saver.Serializer.FromPayload(type, bytes, new BlobLocation(config.ThreadId, current.Id, SendLocation));
    }
}
