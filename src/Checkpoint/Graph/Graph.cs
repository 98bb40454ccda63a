namespace Checkpoint;

/// <summary>Names of the virtual start and end nodes of every graph.</summary>
public static class Graph
{
    /// <summary>Where a run enters the graph.</summary>
    public const string Start = "__start__";

    /// <summary>Where a run leaves the graph.</summary>
    public const string End = "__end__";
}
