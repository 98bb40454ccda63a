using Checkpoint.Channels;

namespace Checkpoint.Runtime;

/// <summary>The checks <c>Compile</c> makes; each failure names the node, edge or channel at fault.</summary>
internal static class GraphValidator
{
    public static void Validate<TState>(
        IReadOnlyDictionary<string, NodeSpec<TState>> nodes,
        IReadOnlyList<EdgeSpec<TState>> edges,
        StateSchema<TState> schema,
        CompileOptions options,
        Func<Type, bool>? hasOwnFormatter = null)
        where TState : class, new()
    {
        if (nodes.Count == 0)
        {
            throw new GraphValidationException("The graph has no nodes.");
        }

        foreach (var edge in edges)
        {
            if (edge.From != Graph.Start && !nodes.ContainsKey(edge.From))
            {
                throw new GraphValidationException($"Edge from unknown node '{edge.From}'. Known nodes: {string.Join(", ", nodes.Keys)}.");
            }

            foreach (var target in edge.StaticTargets)
            {
                if (target != Graph.End && !nodes.ContainsKey(target))
                {
                    throw new GraphValidationException($"Edge '{edge.From}' -> '{target}' goes to unknown node '{target}'. Known nodes: {string.Join(", ", nodes.Keys)}.");
                }
            }
        }

        CheckSends(nodes, edges, schema);
        if (edges.All(e => e.From != Graph.Start))
        {
            throw new GraphValidationException("No edge leaves Graph.Start: add AddEdge(Graph.Start, \"<first node>\").");
        }

        foreach (var node in nodes.Values)
        {
            foreach (var target in node.Options.Destinations.Where(target => target != Graph.End && !nodes.ContainsKey(target)))
            {
                throw new GraphValidationException($"Node '{node.Name}' declares destination '{target}', which is not a node. Known nodes: {string.Join(", ", nodes.Keys)}.");
            }
        }

        foreach (var node in nodes.Keys.Where(node => edges.All(e => e.From != node) && nodes[node].Options.Destinations.Count == 0))
        {
            throw new GraphValidationException($"Node '{node}' has no way out: add an edge from it (to Graph.End to finish).");
        }

        if (options.NodeCache is null && nodes.Values.FirstOrDefault(node => node.Options.Cache is not null) is { } cached)
        {
            throw new GraphValidationException($"Node '{cached.Name}' has a cache policy but the graph has no cache: set CompileOptions.NodeCache (an InMemoryNodeCache, or your own INodeCache).");
        }

        foreach (var node in options.InterruptBefore.Concat(options.InterruptAfter).Where(node => !nodes.ContainsKey(node)))
        {
            throw new GraphValidationException($"Interrupt on unknown node '{node}'.");
        }

        foreach (var node in nodes.Values)
        {
            foreach (var channel in node.Options.Writes.Where(channel => !schema.Contains(channel)))
            {
                throw new GraphValidationException($"Node '{node.Name}' declares a write to '{channel}', which is not a channel of {typeof(TState).Name}.");
            }
        }

        CheckParallelWriters(nodes, edges, schema);
        StateTypeValidator.Validate(schema, hasOwnFormatter);
    }

    /// <summary>
    /// Argument nodes are reached only through Sends (a plain edge or a goto has no argument to give them), fan-out edges
    /// send only to argument nodes, and an argument node may not declare writes to a last-value channel: its Sends run in parallel.
    /// </summary>
    private static void CheckSends<TState>(
        IReadOnlyDictionary<string, NodeSpec<TState>> nodes, IReadOnlyList<EdgeSpec<TState>> edges, StateSchema<TState> schema)
        where TState : class, new()
    {
        bool TakesArgument(string node) => nodes.TryGetValue(node, out var spec) && spec.ArgumentType is not null;
        foreach (var edge in edges)
        {
            if (edge.SendRouter is not null)
            {
                if (edge.StaticTargets.FirstOrDefault(target => !TakesArgument(target)) is { } plain)
                {
                    throw new GraphValidationException(
                        $"The fan-out edge from '{edge.From}' declares target '{plain}', which takes no argument: Sends go to nodes added with AddNode<TArg>.");
                }
            }
            else if (edge.StaticTargets.FirstOrDefault(TakesArgument) is { } argumentNode)
            {
                throw new GraphValidationException(
                    $"Edge '{edge.From}' -> '{argumentNode}' cannot give '{argumentNode}' its argument: reach it with Sends from AddConditionalEdges(\"{edge.From}\", state => … new Send(\"{argumentNode}\", argument)).");
            }
        }

        foreach (var node in nodes.Values)
        {
            if (node.Options.Destinations.FirstOrDefault(TakesArgument) is { } target)
            {
                throw new GraphValidationException($"Node '{node.Name}' declares destination '{target}', which takes an argument: reach it with Sends, not Update.Goto.");
            }

            if (node.ArgumentType is not null && node.Options.Writes.FirstOrDefault(channel => schema.Contains(channel) && schema[channel].Kind == ReducerKind.LastValue) is { } shared)
            {
                throw new GraphValidationException(
                    $"Channel '{shared}' has no reducer but is written by argument node '{node.Name}', whose Sends run in parallel. " +
                    "Give it a reducer ([Append], [MergeByKey] or WithReducer).");
            }
        }
    }

    /// <summary>Nodes reached from one node in the same step must not both write a last-value channel.</summary>
    private static void CheckParallelWriters<TState>(
        IReadOnlyDictionary<string, NodeSpec<TState>> nodes, IReadOnlyList<EdgeSpec<TState>> edges, StateSchema<TState> schema)
        where TState : class, new()
    {
        foreach (var group in edges.GroupBy(e => e.From))
        {
            var parallel = group.SelectMany(e => e.StaticTargets).Distinct().Where(nodes.ContainsKey).ToList();
            for (var i = 0; i < parallel.Count; i++)
            {
                for (var j = i + 1; j < parallel.Count; j++)
                {
                    var shared = nodes[parallel[i]].Options.Writes.Intersect(nodes[parallel[j]].Options.Writes)
                        .FirstOrDefault(channel => schema[channel].Kind == ReducerKind.LastValue);
                    if (shared is not null)
                    {
                        throw new GraphValidationException(
                            $"Channel '{shared}' has no reducer but is written by '{parallel[i]}' and '{parallel[j]}', which run in parallel after '{group.Key}'. " +
                            "Give it a reducer ([Append], [MergeByKey] or WithReducer) or let only one of them write it.");
                    }
                }
            }
        }
    }

    /// <summary>
    /// The compactors of the graph (declared with WithCompactor, then by [KeepLast] attributes): each on an
    /// [Append] list of its item type, at most one per property, with a trigger that can measure the items.
    /// </summary>
    public static List<CompactorSpec> ValidateCompactors<TState>(IReadOnlyList<CompactorSpec> declared, StateSchema<TState> schema)
        where TState : class, new()
    {
        var compactors = declared.ToList();
        foreach (var channel in schema.Channels)
        {
            if (typeof(TState).GetProperty(channel.Name)?.GetCustomAttributes(typeof(KeepLastAttribute), inherit: true) is not [KeepLastAttribute keepLast])
            {
                continue;
            }

            if (channel.Kind != ReducerKind.Append)
            {
                throw new GraphValidationException($"[KeepLast] property '{channel.Name}' must also be an [Append] list (its reducer is {channel.Kind}).");
            }

            if (keepLast.Count < 0 || keepLast.AtItems <= keepLast.Count)
            {
                throw new GraphValidationException(
                    $"[KeepLast({keepLast.Count}, {keepLast.AtItems})] on '{channel.Name}': the count must be 0 or more and below the item count that triggers it.");
            }

            if (compactors.Any(c => c.Channel == channel.Name))
            {
                throw new GraphValidationException($"'{channel.Name}' has a [KeepLast] attribute and a WithCompactor compactor: keep one.");
            }

            compactors.Add(CompactorSpec.FromAttribute(channel.Name, channel.ItemType!, keepLast));
        }

        foreach (var compactor in compactors)
        {
            if (!schema.Contains(compactor.Channel))
            {
                throw new GraphValidationException($"A compactor was declared on '{compactor.Channel}', which is not a read/write property of {typeof(TState).Name}.");
            }

            var channel = schema[compactor.Channel];
            if (channel.Kind != ReducerKind.Append)
            {
                throw new GraphValidationException(
                    $"A compactor was declared on '{compactor.Channel}', which is not an [Append] list (its reducer is {channel.Kind}): only [Append] list properties can be compacted.");
            }

            if (channel.ItemType != compactor.ItemType)
            {
                throw new GraphValidationException(
                    $"The compactor of '{compactor.Channel}' takes {compactor.ItemType.Name} items, but the list holds {channel.ItemType!.Name}.");
            }

            if (compactor.Trigger.Problem(compactor.ItemType) is { } problem)
            {
                throw new GraphValidationException($"The compaction trigger of '{compactor.Channel}' cannot fire: {problem}");
            }
        }

        return compactors;
    }
}
