namespace Checkpoint;

/// <summary>The graph cannot be compiled or run as built; the message names the problem.</summary>
public sealed class GraphValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GraphValidationException(string message) : base(message)
    {
    }
}
