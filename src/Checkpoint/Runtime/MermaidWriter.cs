using System.Text;

namespace Checkpoint.Runtime;

/// <summary>
/// Draws a compiled graph as a Mermaid flowchart: start and end as rounded nodes, fixed edges solid, a router's edges
/// dotted to the targets it declared (to every node and the end when it declared none, since any may be chosen), and a
/// node's <see cref="NodeOptions.Destinations"/> (where <c>Update.Goto</c> may send the run) dotted too, and a fan-out
/// edge's Sends dotted and labelled "Send" (to every argument node when it declared no targets).
/// Node ids are generated (n0, n1, ...; Start and End, since a lower-case <c>end</c> id breaks a Mermaid flowchart) and
/// names are quoted labels, so any name draws.
/// </summary>
internal static class MermaidWriter
{
    public static string Write<TState>(IReadOnlyDictionary<string, NodeSpec<TState>> specs, IReadOnlyList<EdgeSpec<TState>> edges)
    {
        var nodes = specs.Keys.ToList();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal) { [Graph.Start] = "Start", [Graph.End] = "End" };
        foreach (var node in nodes)
        {
            ids[node] = "n" + (ids.Count - 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var text = new StringBuilder("flowchart TD\n    Start([\"start\"])\n");
        foreach (var node in nodes)
        {
            text.Append("    ").Append(ids[node]).Append("[\"").Append(Label(node)).Append("\"]\n");
        }

        text.Append("    End([\"end\"])\n");
        foreach (var edge in edges)
        {
            if (edge.To is { } to)
            {
                text.Append("    ").Append(ids[edge.From]).Append(" --> ").Append(ids[to]).Append('\n');
                continue;
            }

            if (edge.SendRouter is not null)
            {
                foreach (var target in edge.PossibleTargets ?? nodes.Where(node => specs[node].ArgumentType is not null).ToList())
                {
                    text.Append("    ").Append(ids[edge.From]).Append(" -. Send .-> ").Append(ids[target]).Append('\n');
                }

                continue;
            }

            foreach (var target in edge.PossibleTargets ?? [.. nodes, Graph.End])
            {
                text.Append("    ").Append(ids[edge.From]).Append(" -.-> ").Append(ids[target]).Append('\n');
            }
        }

        foreach (var node in nodes)
        {
            foreach (var target in specs[node].Options.Destinations)
            {
                text.Append("    ").Append(ids[node]).Append(" -.-> ").Append(ids[target]).Append('\n');
            }
        }

        return text.ToString();
    }

    // Mermaid labels are quoted; a quote inside one is an entity.
    private static string Label(string name) => name.Replace("\"", "#quot;", StringComparison.Ordinal);
}
