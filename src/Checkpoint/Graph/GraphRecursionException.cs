namespace Checkpoint;

/// <summary>A run passed its <see cref="RunConfig.RecursionLimit"/> without reaching the end.</summary>
public sealed class GraphRecursionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GraphRecursionException(int limit)
        : base($"The run reached the recursion limit of {limit} supersteps without reaching the end; " +
               "raise RunConfig.RecursionLimit if the graph is meant to run longer.")
    {
        Limit = limit;
    }

    /// <summary>The limit that was reached.</summary>
    public int Limit { get; }
}
